#!/usr/bin/env python3
"""Delivery of one post to 500 fediverse followers on 50 servers (each with a shared inbox, ten
accounts each), with the release binary, on 127.0.0.1 only. Prints figures, asserts nothing.

The 500 accounts follow the node (Follows signed with python3-httpsig, as Mastodon signs); once
every Accept has arrived, a post is published through the API, and the benchmark measures the
time until each of the 50 shared inboxes has its Create, and how many requests reached them.
Goals: every server has it within 5 s; 50 requests (one per shared inbox).

Usage: fediverse.py BINARY WORKDIR
"""
import base64
import hashlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from Cryptodome.PublicKey import RSA
from httpsig.sign import HeaderSigner

BINARY, WORK = sys.argv[1], sys.argv[2]
SERVERS, ACCOUNTS = 50, 10
KEY = RSA.generate(2048)
PEM = KEY.publickey().export_key().decode()
lock = threading.Lock()
received = []  # (server index, path, activity type, time)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, index):
        self.index = index
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                name = self.path.rsplit("/", 1)[-1]
                actor = outer.base + "/users/" + name
                body = json.dumps({
                    "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"], "id": actor,
                    "type": "Person", "preferredUsername": name, "inbox": actor + "/inbox", "endpoints": {"sharedInbox": outer.base + "/inbox"},
                    "publicKey": {"id": actor + "#main-key", "owner": actor, "publicKeyPem": PEM}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/activity+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                kind = json.loads(body).get("type")
                with lock:
                    received.append((outer.index, self.path, kind, time.perf_counter()))
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


def signed_post(url, activity, key_id):
    body = json.dumps(activity).encode()
    parts = urllib.parse.urlsplit(url)
    headers = {"Host": parts.netloc, "Date": formatdate(usegmt=True), "Content-Type": "application/activity+json",
               "Digest": "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()}
    signer = HeaderSigner(key_id, KEY.export_key(), algorithm="rsa-sha256", headers=["(request-target)", "host", "date", "digest"],
                          sign_header="signature")
    request = urllib.request.Request(url, data=body, headers=signer.sign(headers, host=parts.netloc, method="POST", path=parts.path),
                                     method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def main():
    data = os.path.join(WORK, "node")
    subprocess.run([BINARY, "user", "add", "--data", data, "owner"], input="a benchmark password\n", text=True, check=True, capture_output=True)
    token = subprocess.run([BINARY, "token", "create", "--data", data, "bench"], text=True, check=True, capture_output=True).stdout.split()[-1]
    port = free_port()
    base = "http://127.0.0.1:%d" % port
    node = subprocess.Popen([BINARY, "serve", "--data", data, "--port", str(port), "--allow-private-addresses", "--log-level", "warning"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(400):
            try:
                urllib.request.urlopen(base + "/.well-known/wikinode", timeout=1).read()
                break
            except OSError:
                time.sleep(0.05)
        servers = [Server(i) for i in range(SERVERS)]
        inbox = base + "/actor/inbox"

        def follow(job):
            server, account = job
            actor = server.base + "/users/u%d" % account
            activity = {"id": actor + "/follows/1", "type": "Follow", "actor": actor, "object": base + "/actor"}
            for _ in range(50):
                status = signed_post(inbox, activity, actor + "#main-key")
                if status != 503:
                    return status
                time.sleep(0.2)
            return status

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(follow, [(s, a) for s in servers for a in range(ACCOUNTS)]))
        follows = time.perf_counter() - started
        accepted = sum(1 for s in statuses if s == 202)
        deadline = time.time() + 120
        while time.time() < deadline:
            with lock:
                accepts = sum(1 for r in received if r[2] == "Accept")
            if accepts >= accepted:
                break
            time.sleep(0.05)
        print(f"follows: {accepted} of {len(statuses)} accepted in {follows:.1f} s; {accepts} Accepts delivered")

        with lock:
            received.clear()
        body = json.dumps({"markdown": "---\nkind: post\n---\nA post for five hundred followers."}).encode()
        request = urllib.request.Request(base + "/api/pages/Hello_Fediverse", data=body, method="PUT",
                                         headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        published = time.perf_counter()
        urllib.request.urlopen(request, timeout=30).read()
        deadline = time.time() + 60
        while time.time() < deadline:
            with lock:
                reached = {r[0] for r in received if r[2] == "Create"}
            if len(reached) >= SERVERS:
                break
            time.sleep(0.01)
        with lock:
            creates = [r for r in received if r[2] == "Create"]
        last = max((r[3] for r in creates), default=published) - published
        time.sleep(2)  # anything more that would arrive
        with lock:
            requests = sum(1 for r in received if r[2] == "Create")
        shared = all(r[1] == "/inbox" for r in creates)
        print(f"one post to {accepted} followers on {SERVERS} servers: all {len({r[0] for r in creates})} servers reached in {last:.2f} s "
              f"(goal under 5 s); {requests} requests (goal {SERVERS}){'' if shared else ' — not all to shared inboxes!'}")
    finally:
        node.terminate()
        node.wait(timeout=10)


main()
