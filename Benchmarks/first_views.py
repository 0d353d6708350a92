#!/usr/bin/env python3
"""Asks once for every page of the corpus, one after another on one kept-alive connection, so
that each is a first (uncached) view; prints the total time and the per-page p50 and p99, as the
client sees them. Only talks to 127.0.0.1.

Usage: first_views.py BASE_URL TITLES_FILE
"""
import http.client
import sys
import time
import urllib.parse

BASE, TITLES = sys.argv[1], sys.argv[2]
HOST, PORT = urllib.parse.urlsplit(BASE).hostname, urllib.parse.urlsplit(BASE).port
assert HOST == "127.0.0.1"
titles = [line.strip() for line in open(TITLES) if line.strip()]
connection = http.client.HTTPConnection(HOST, PORT, timeout=30)
times = []
failed = 0
start = time.perf_counter()
for title in titles:
    before = time.perf_counter()
    connection.request("GET", "/wiki/" + urllib.parse.quote(title))
    response = connection.getresponse()
    response.read()
    times.append(time.perf_counter() - before)
    if response.status != 200:
        failed += 1
total = time.perf_counter() - start
times.sort()
p50, p99 = times[len(times) // 2], times[int(len(times) * 0.99)]
line = f"{len(titles)} pages in {total:.2f} s   p50 {p50 * 1000:.2f} ms   p99 {p99 * 1000:.2f} ms"
if failed:
    line += f"   ({failed} not 200!)"
print(line)
