#!/usr/bin/env python3
"""Saves through HTTP as a browser makes them: sign in, open the editor (session cookie and
CSRF token), save; for 1 and 8 concurrent writers. Then checks that no revision was lost or
corrupted, and measures how soon a save shows in the next page view.

Usage: saves.py BASE_URL WIKINODE_BINARY DATA_DIR SECONDS   (the node must have the account
`bench` with the password `benchmark password`). Only talks to 127.0.0.1.
"""
import http.client
import os
import re
import subprocess
import sqlite3
import statistics
import sys
import threading
import time
import urllib.parse

BASE, BINARY, DATA, SECONDS = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
HOST, PORT = urllib.parse.urlsplit(BASE).hostname, urllib.parse.urlsplit(BASE).port
assert HOST == "127.0.0.1"
PARAGRAPH = "A typical paragraph of a wiki page, with a [[Welcome]] link and *some* emphasis. " * 24
SESSIONS = os.path.join(DATA, "bench-sessions.txt")


class Browser:
    def __init__(self):
        self.connection = http.client.HTTPConnection(HOST, PORT, timeout=30)
        self.cookies = {}

    @property
    def cookie(self):
        return self.cookies.get("wikinode_session")

    def request(self, method, path, fields=None):
        headers = {"Origin": BASE}
        body = None
        if self.cookies:
            headers["Cookie"] = "; ".join("%s=%s" % item for item in self.cookies.items())
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode("utf-8")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, cookie = value.split(";")[0].partition("=")
                if cookie:
                    self.cookies[key] = cookie
                else:
                    self.cookies.pop(key, None)
        return response.status, text, dict(response.getheaders())

    @staticmethod
    def hidden(text, name):
        match = re.search(r'name="%s" value="([^"]*)"' % name, text)
        return match.group(1) if match else ""

    def sign_in(self):
        _, text, _ = self.request("GET", "/login")
        status, _, _ = self.request("POST", "/login", {"csrf": self.hidden(text, "csrf"), "name": "bench", "password": "benchmark password", "return": "/"})
        assert status == 303, status


def run(writers):
    """Saves by `writers` browsers at once, driven by wrk (Benchmarks/saves.lua)."""
    pages = ["/wiki/Bench_%d_%d" % (writers, index) for index in range(writers)]
    with open(SESSIONS, "w") as handle:
        for page in pages:
            browser = Browser()
            browser.sign_in()
            handle.write("%s %s\n" % (browser.cookie, page))
    output = subprocess.run(
        ["wrk", "-t%d" % writers, "-c%d" % writers, "-d%ds" % SECONDS, "-s", "Benchmarks/saves.lua", BASE],
        env=dict(os.environ, WIKINODE_SESSIONS=SESSIONS), capture_output=True, text=True, check=True).stdout
    counts = {}
    for page, saves in re.findall(r"^SAVES (\S+) (\d+)$", output, re.M):
        counts[page] = int(saves)
    total, failed, seconds = re.search(r"^TOTAL (\d+) (\d+) ([\d.]+)$", output, re.M).groups()
    print("saves, %d writer%s: %7.0f saves/s (%s saves in %.1f s, %s failed; each save also opened the editor)" % (
        writers, "" if writers == 1 else "s", int(total) / float(seconds), total, float(seconds), failed))
    return counts


def verify(all_counts):
    """Every save is one revision, numbered in order, with the exact text that was sent."""
    database = sqlite3.connect("file:%s/wikinode.sqlite?mode=ro" % DATA, uri=True)
    lost = corrupt = in_flight = 0
    for page, saves in all_counts.items():
        key = urllib.parse.unquote(page[len("/wiki/"):]).replace("_", " ").lower()
        rows = database.execute(
            "SELECT r.markdown FROM revision r JOIN page p ON p.id = r.pageId WHERE p.titleKey = ? ORDER BY r.id", (key,)).fetchall()
        # wrk stops with at most one save per writer sent but not counted.
        if len(rows) < saves:
            lost += saves - len(rows)
        elif len(rows) == saves + 1:
            in_flight += 1
        elif len(rows) > saves + 1:
            lost += len(rows) - saves
        for number, (markdown,) in enumerate(rows, start=1):
            if markdown != "# Bench\n\nsave %d\n\n%s\n" % (number, PARAGRAPH):
                corrupt += 1
    print("revisions checked: %d lost, %d corrupted (%d saves completed as wrk stopped)" % (lost, corrupt, in_flight))


def visibility():
    browser = Browser()
    browser.sign_in()
    samples = []
    for number in range(50):
        _, form, _ = browser.request("GET", "/wiki/Visible/edit")
        marker = "marker %d" % number
        start = time.time()
        status, _, _ = browser.request("POST", "/wiki/Visible/edit", {
            "csrf": browser.hidden(form, "csrf"), "baseRevision": browser.hidden(form, "baseRevision"),
            "markdown": marker, "action": "save"})
        saved = time.time()
        _, page, _ = browser.request("GET", "/wiki/Visible")
        seen = time.time()
        assert status == 303 and marker in page, "a save did not show in the next view"
        samples.append(((saved - start) * 1000, (seen - saved) * 1000))
    print("save then view: save p50 %.2f ms, next view p50 %.2f ms, max %.2f ms (50 saves, each seen at once)" % (
        statistics.median(s for s, _ in samples), statistics.median(v for _, v in samples), max(v for _, v in samples)))


counts = {}
counts.update(run(1))
counts.update(run(8))
verify(counts)
visibility()
