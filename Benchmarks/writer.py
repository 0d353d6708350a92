#!/usr/bin/env python3
"""Saves pages through the API at a steady rate while another benchmark reads: half of the saves
to pages of the corpus (which the random page mix reads), half to one page nothing links to.
Prints the rate it reached. Only talks to 127.0.0.1.

Usage: writer.py BASE_URL TOKEN TITLES_FILE SECONDS [SAVES_PER_SECOND, default 10]
"""
import http.client
import json
import random
import sys
import time
import urllib.parse

BASE, TOKEN, TITLES, SECONDS = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
RATE = float(sys.argv[5]) if len(sys.argv) > 5 else 10.0
HOST, PORT = urllib.parse.urlsplit(BASE).hostname, urllib.parse.urlsplit(BASE).port
assert HOST == "127.0.0.1"
titles = [line.strip() for line in open(TITLES) if line.strip()]
connection = http.client.HTTPConnection(HOST, PORT, timeout=30)
saved = failed = 0
start = time.monotonic()
while time.monotonic() - start < SECONDS:
    due = start + (saved + failed) / RATE
    time.sleep(max(0.0, due - time.monotonic()))
    n = saved + failed
    title = titles[random.randrange(len(titles))] if n % 2 == 0 else "Benchmark scratch"
    path = "/api/pages/" + urllib.parse.quote(title.replace(" ", "_"))
    headers = {"Authorization": "Bearer " + TOKEN, "Content-Type": "application/json"}
    try:
        # The revision the save is based on: the API refuses a blind overwrite.
        connection.request("GET", path, headers=headers)
        current = connection.getresponse()
        found = current.read()
        # Its text kept, links and all, with one line that changes.
        edit = {"markdown": f"Saved by the benchmark writer, save {n}.\n", "summary": "benchmark"}
        if current.status == 200:
            page = json.loads(found)
            kept = page["markdown"].split("\nSaved by the benchmark writer")[0].rstrip("\n")
            edit = {"markdown": kept + f"\nSaved by the benchmark writer, save {n}.\n", "summary": "benchmark", "baseRevision": page["revision"]}
        connection.request("PUT", path, body=json.dumps(edit), headers=headers)
        response = connection.getresponse()
        response.read()
        if response.status in (200, 201):
            saved += 1
        else:
            failed += 1
    except OSError:
        failed += 1
        connection = http.client.HTTPConnection(HOST, PORT, timeout=30)
elapsed = time.monotonic() - start
print(f"{saved / elapsed:.1f} saves/s ({saved} saved, {failed} failed, asked for {RATE:g}/s)")
