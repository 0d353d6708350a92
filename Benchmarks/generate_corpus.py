#!/usr/bin/env python3
"""Writes a corpus of realistic, interlinked Markdown pages for the benchmarks.

Usage: generate_corpus.py FOLDER [COUNT]. Deterministic: the same seed gives the same pages.
"""
import os
import random
import sys

WORDS = (
    "wiki node page peer link history change edit revision garden federation weblog post "
    "conversation trackback backlink twin neighbour markdown paragraph section idea note draft "
    "project team design protocol server client cache index search query storage record "
    "the a of and to in is that for it with as on by this be are from at or an which "
    "people write read share follow publish small site machine edge network commons knowledge"
).split()


def sentence(rng):
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 18))]
    words[0] = words[0].capitalize()
    return " ".join(words) + rng.choice([".", ".", ".", "?", "!"])


def title_for(index):
    return f"Topic {index:04d} " + WORDS[index % len(WORDS)].capitalize()


def page(rng, index, count):
    target = rng.randint(2_000, 20_000)
    parts = [f"# {title_for(index)}\n"]
    size = len(parts[0])
    while size < target:
        kind = rng.random()
        if kind < 0.55:
            text = " ".join(sentence(rng) for _ in range(rng.randint(2, 6)))
            for _ in range(rng.randint(0, 3)):
                other = title_for(rng.randrange(count))
                text += f" See [[{other}]]."
            if rng.random() < 0.3:
                text += f" More at [the spec](https://example.org/spec/{rng.randint(1, 99)})."
            block = text
        elif kind < 0.7:
            block = "## " + sentence(rng).rstrip(".?!")
        elif kind < 0.85:
            block = "\n".join(f"- {sentence(rng)} [[{title_for(rng.randrange(count))}]]" for _ in range(rng.randint(2, 6)))
        elif kind < 0.95:
            block = "```\n" + "\n".join(f"let value{n} = compute({n}) // {rng.choice(WORDS)}" for n in range(rng.randint(2, 8))) + "\n```"
        else:
            block = "> " + sentence(rng) + " *" + rng.choice(WORDS) + "* **" + rng.choice(WORDS) + "** `code`"
        parts.append(block + "\n")
        size += len(block) + 2
    return "\n".join(parts)


def main():
    folder = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    rng = random.Random(20261127)
    os.makedirs(folder, exist_ok=True)
    for index in range(count):
        with open(os.path.join(folder, title_for(index) + ".md"), "w", encoding="utf-8") as handle:
            handle.write(page(rng, index, count))
    with open(os.path.join(folder, "..", "titles.txt"), "w", encoding="utf-8") as handle:
        for index in range(count):
            handle.write(title_for(index).replace(" ", "_") + "\n")


if __name__ == "__main__":
    main()
