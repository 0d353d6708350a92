#!/usr/bin/env python3
"""Graph benchmarks with the release binary, on 127.0.0.1 only. Prints figures, asserts nothing.

1. The graph of a page with 1,000 backlinks and 20 twins: uncached (after a save that changes
   what it shows) and cached, HTML with the SVG and JSON.
2. `/graph` of a node that follows 20 peers: uncached and cached.
Goals: page graph under 300 ms uncached and under 5 ms cached; `/graph` under 1 s uncached.

Usage: graph.py BINARY WORKDIR
"""
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

BINARY, WORK = sys.argv[1], sys.argv[2]
processes = []


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(name):
    data = os.path.join(WORK, name)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [BINARY, "serve", "--data", data, "--port", str(port), "--allow-private-addresses", "--log-level", "warning"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    processes.append(process)
    for _ in range(400):
        try:
            urllib.request.urlopen(url + "/.well-known/wikinode", timeout=1).read()
            token = subprocess.run([BINARY, "token", "create", "--data", data, "bench"], check=True, capture_output=True, text=True)
            return data, url, token.stdout.strip().splitlines()[-1]
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"{name} did not start")


def put(url, token, title, markdown, base=None):
    """Saves a page; returns its new revision. `base` is the revision it changes (none: a new page)."""
    body = {"markdown": markdown} if base is None else {"markdown": markdown, "baseRevision": base}
    req = urllib.request.Request(
        f"{url}/api/pages/{title}", method="PUT", data=json.dumps(body).encode(),
        headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    return json.loads(urllib.request.urlopen(req, timeout=30).read())["revision"]


def timed_get(url):
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:
        body = response.read()
    return (time.perf_counter() - started) * 1000, len(body)


def measure(label, url, invalidate, goal_uncached, goal_cached, rounds=10):
    uncached = []
    for index in range(rounds):
        invalidate(index)
        uncached.append(timed_get(url)[0])
    cached = [timed_get(url)[0] for _ in range(200)]
    size = timed_get(url)[1]
    print(f"{label}: uncached median {statistics.median(uncached):.1f} ms (max {max(uncached):.1f}; goal < {goal_uncached} ms), "
          f"cached median {statistics.median(cached):.2f} ms (p95 {sorted(cached)[189]:.2f}; goal < {goal_cached} ms), {size // 1024} KiB")


try:
    _, hub, hub_token = start("hub")
    peers = [start(f"peer{index}") for index in range(20)]
    for _, url, token in peers:
        put(url, token, "Popular", "The peer's popular page.")
    folder = os.path.join(WORK, "fans")
    os.makedirs(folder)
    for index in range(1000):
        with open(os.path.join(folder, f"Fan {index}.md"), "w") as file:
            file.write(f"Fan {index} links to [[Popular]] and [[Fan {(index + 1) % 1000}]].\n")
    subprocess.run([BINARY, "import", "--data", os.path.join(WORK, "hub"), folder], check=True, capture_output=True)
    put(hub, hub_token, "Popular", "Everyone links here.")
    elsewhere = [put(hub, hub_token, "Elsewhere", "Nothing links here.")]
    started = time.perf_counter()
    for _, url, _ in peers:
        subprocess.run([BINARY, "follow", "--data", os.path.join(WORK, "hub"), "--allow-private-addresses", url], check=True, capture_output=True)
    print(f"following 20 peers: {time.perf_counter() - started:.1f} s")
    graph = json.loads(urllib.request.urlopen(hub + "/wiki/Popular/graph.json").read())
    twins = sum(1 for node in graph["nodes"] if node["kind"] == "peer")
    print(f"page graph: {len(graph['nodes'])} nodes drawn ({twins} twins), {len(graph['omitted'])} listed beyond the cap, {len(graph['edges'])} edges")

    label = ""

    def touch(index):
        # A save to a page nothing links to: every graph depends on the list of pages.
        elsewhere[0] = put(hub, hub_token, "Elsewhere", f"Nothing links here ({label} {index}).", base=elsewhere[0])

    for label, path, goal in [("graph of a page with 1,000 backlinks and 20 twins (HTML+SVG)", "/wiki/Popular/graph", 300),
                              ("the same as JSON", "/wiki/Popular/graph.json", 300), ("/graph of a node following 20 peers", "/graph", 1000)]:
        measure(label, hub + path, touch, goal, 5)
finally:
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=10)
