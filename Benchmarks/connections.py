"""Hostile clients against a running node on 127.0.0.1, measured, never asserted.

Usage: python3 Benchmarks/connections.py BASE_URL NODE_PID
Each part is bounded in count and time, talks to 127.0.0.1 only, and prints what it saw:
  1. 200 requests with a 1 MB body nobody reads and Connection: close: the node's open
     descriptors before, just after, and 10 s after.
  2. 300 idle connections and 50 slowloris clients (a header byte a second): what a plain
     GET /wiki gets meanwhile, and how long until the node has closed them all.
"""
import os
import socket
import sys
import threading
import time
import urllib.parse
import urllib.request

base, pid = sys.argv[1], int(sys.argv[2])
host, port = "127.0.0.1", urllib.parse.urlsplit(base).port


def descriptors():
    return len(os.listdir(f"/proc/{pid}/fd"))


def unread_body(path, method):
    s = socket.create_connection((host, port), timeout=5)
    s.sendall(f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: 1048576\r\n\r\n".encode())
    s.settimeout(0.3)
    try:
        sent = 0
        chunk = b"a" * 65536
        while sent < 1 << 20:
            sent += s.send(chunk)
    except OSError:
        pass
    # Read the whole answer, as a client does: a close with unread bytes would be a reset,
    # which frees the node's socket whatever the node does.
    s.settimeout(3)
    answer = b""
    try:
        while b"\r\n\r\n" not in answer:
            answer += s.recv(65536)
        head, _, body = answer.partition(b"\r\n\r\n")
        length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), 0)
        while len(body) < length:
            more = s.recv(65536)
            if not more:
                break
            body += more
    except OSError:
        pass
    s.close()
    return answer[:12]


def get_wiki(timeout=5):
    start = time.monotonic()
    try:
        with urllib.request.urlopen(base + "/wiki", timeout=timeout) as response:
            return response.status, time.monotonic() - start
    except urllib.error.HTTPError as error:
        return error.code, time.monotonic() - start
    except Exception as error:  # timeouts, resets
        return type(error).__name__, time.monotonic() - start


before = descriptors()
answers = {}
for index in range(200):
    answer = unread_body("/wiki/Seed" if index % 2 == 0 else "/api/pages/Seed", "GET" if index % 2 == 0 else "PUT")
    answers[answer] = answers.get(answer, 0) + 1
after = descriptors()
time.sleep(10)
print(f"unread bodies: 200 requests {answers}; node descriptors {before} before, {after} just after, {descriptors()} 10 s later; GET /wiki -> {get_wiki()}")

def connections(count):
    opened = []
    for _ in range(count):
        try:
            opened.append(socket.create_connection((host, port), timeout=2))
        except OSError as error:
            print(f"connection {len(opened) + 1} of {count} failed: {error}")
            break
    return opened


idle = connections(300)
dripping = connections(50)
stop = threading.Event()


def drip():
    header = b"GET /wiki HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 200
    for byte in header:
        if stop.is_set():
            return
        for connection in dripping:
            try:
                connection.send(bytes([byte]))
            except OSError:
                pass
        time.sleep(1)


threading.Thread(target=drip, daemon=True).start()
time.sleep(0.5)
print(f"with {len(idle)} idle and {len(dripping)} slowloris connections open: GET /wiki -> {get_wiki()}")


def closed(connection):
    """Whether the node has closed it; reads and drops what it sent (a 503) on the way."""
    connection.setblocking(False)
    try:
        while True:
            if connection.recv(4096) == b"":
                return True
    except BlockingIOError:
        return False
    except OSError:
        return True


start = time.monotonic()
everyone = idle + dripping
gone = set()
while time.monotonic() - start < 90 and len(gone) < len(everyone):
    gone |= {index for index, connection in enumerate(everyone) if index not in gone and closed(connection)}
    time.sleep(0.5)
print(f"idle and slowloris connections all closed by the node after {time.monotonic() - start:.1f} s (still open: {len(everyone) - len(gone)}); GET /wiki -> {get_wiki()}")
stop.set()
for connection in everyone:
    connection.close()
