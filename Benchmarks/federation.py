#!/usr/bin/env python3
"""Federation benchmarks with the release binary, on 127.0.0.1 only. Prints figures, asserts nothing.

1. `wikinode follow` backfilling a peer of N generated pages (default 10,000).
2. From a save on A (through its API) to the change being visible on B, over 50 saves.
3. Requests and bytes exchanged for one change on a node with 10 followers.

Usage: federation.py BINARY WORKDIR [PAGES]
"""
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

BINARY, WORK = sys.argv[1], sys.argv[2]
PAGES = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000
HERE = os.path.dirname(os.path.abspath(__file__))
processes = []


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(*args, **kwargs):
    return subprocess.run([BINARY, *args], check=True, capture_output=True, text=True, **kwargs)


def start(name, log=False):
    data = os.path.join(WORK, name)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_file = open(os.path.join(WORK, name + ".log"), "w")
    process = subprocess.Popen(
        [BINARY, "serve", "--data", data, "--port", str(port), "--allow-private-addresses",
         "--log-level", "info" if log else "warning"],
        stdout=log_file, stderr=subprocess.STDOUT)
    processes.append(process)
    for _ in range(400):
        try:
            urllib.request.urlopen(url + "/.well-known/wikinode", timeout=1).read()
            return data, url
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"{name} did not start")


def request(url, method="GET", body=None, headers=None):
    req = urllib.request.Request(url, method=method, data=body, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def requests_in_log(path, since_line):
    """(count, bytes in + out) of the request lines after `since_line`, and their paths."""
    with open(path) as log:
        lines = [line for line in log.readlines()[since_line:] if "request" in line and "path=" in line]
    total = 0
    paths = []
    for line in lines:
        fields = dict(re.findall(r"(\w+)=(\S+)", line))
        paths.append(fields.get("method", "?") + " " + fields.get("path", "?"))
        for key in ("in", "out"):
            if fields.get(key, "?").isdigit():
                total += int(fields[key])
    return len(lines), total, paths


def line_count(path):
    with open(path) as log:
        return len(log.readlines())


def main():
    # 1. Backfill.
    corpus = os.path.join(WORK, "corpus")
    subprocess.run([sys.executable, os.path.join(HERE, "generate_corpus.py"), os.path.join(corpus, "pages"), str(PAGES)], check=True)
    started = time.monotonic()
    run("import", "--data", os.path.join(WORK, "a"), os.path.join(corpus, "pages"))
    print(f"import of {PAGES} pages into A: {time.monotonic() - started:.1f} s")
    a_data, a_url = start("a")
    b_data, b_url = start("b")
    started = time.monotonic()
    result = run("follow", "--data", b_data, "--allow-private-addresses", a_url)
    elapsed = time.monotonic() - started
    print(f"wikinode follow, backfill of {PAGES} pages: {elapsed:.1f} s ({PAGES / elapsed:.0f} pages/s; goal under 20 s)")
    print("  " + result.stdout.strip().splitlines()[-1])

    # 2. Save on A -> visible on B.
    token = run("token", "create", "--data", a_data, "bench").stdout.strip().splitlines()[-1]
    peer_id = 1
    latencies = []
    for index in range(50):
        title = f"Latency_Probe_{index}"
        marker = f"probe {index} {time.time()}"
        body = json.dumps({"markdown": marker}).encode()
        started = time.monotonic()
        status, _ = request(f"{a_url}/api/pages/{title}", "PUT", body, {"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        assert status in (200, 201), status
        while True:
            status, text = request(f"{b_url}/wiki/{title}/twins/{peer_id}")
            if status == 200 and marker.encode() in text:
                break
            if time.monotonic() - started > 10:
                raise SystemExit(f"{title} never reached B")
            time.sleep(0.002)
        latencies.append((time.monotonic() - started) * 1000)
        time.sleep(0.05)
    latencies.sort()
    print(f"save on A -> visible on B, 50 saves: p50 {statistics.median(latencies):.0f} ms, "
          f"p90 {latencies[int(len(latencies) * 0.9)]:.0f} ms, max {latencies[-1]:.0f} ms (goal p50 under 200 ms)")

    # 3. One change, 10 followers.
    c_data, c_url = start("c", log=True)
    followers = [start(f"f{index}", log=True) for index in range(10)]
    for data, _ in followers:
        run("follow", "--data", data, "--allow-private-addresses", c_url)
    c_token = run("token", "create", "--data", c_data, "bench").stdout.strip().splitlines()[-1]
    time.sleep(2)
    marks = {c_url: line_count(os.path.join(WORK, "c.log"))}
    for index, (_, url) in enumerate(followers):
        marks[url] = line_count(os.path.join(WORK, f"f{index}.log"))
    status, _ = request(f"{c_url}/api/pages/One_Change", "PUT", json.dumps({"markdown": "One change for ten followers."}).encode(),
                        {"Authorization": f"Bearer {c_token}", "Content-Type": "application/json"})
    assert status == 201, status
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if all(request(f"{url}/wiki/One_Change/twins/1")[0] == 200 for _, url in followers):
            break
        time.sleep(0.05)
    time.sleep(1)
    origin_count, origin_bytes, origin_paths = requests_in_log(os.path.join(WORK, "c.log"), marks[c_url])
    follower_count = follower_bytes = 0
    for index, (_, url) in enumerate(followers):
        count, size, paths = requests_in_log(os.path.join(WORK, f"f{index}.log"), marks[url])
        count_inbox = sum(1 for path in paths if path.endswith("/api/inbox"))
        follower_count += count_inbox
        follower_bytes += size if count_inbox else 0
    pulls = sum(1 for path in origin_paths if "/api/changes" in path)
    print(f"one change, 10 followers: {pulls} pulls of the change feed on the origin, {follower_count} notices to followers "
          f"({origin_count - pulls} other requests on the origin, {origin_bytes + follower_bytes} bytes of bodies in all; "
          f"goal O(followers), no full resync)")


try:
    main()
finally:
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait()
