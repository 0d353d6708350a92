"""The fediverse side of a live node, checked with independent code: a small fediverse server
written here (WebFinger lookup, actor fetch, a Follow signed with Debian's python3-httpsig)
follows the node, and the Accept the node sends back is verified with httpsig too."""
import base64
import hashlib
import json
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from Cryptodome.PublicKey import RSA
from httpsig.sign import HeaderSigner
from httpsig.verify import HeaderVerifier

from conftest import ROOT, wikinode_binary

ACTIVITY = "application/activity+json"


class FediverseServer:
    """One account, `zoe`, on 127.0.0.1: its actor document, and an inbox that records."""

    def __init__(self):
        self.key = RSA.generate(2048)
        self.received = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                if self.path != "/users/zoe":
                    self.send_error(404)
                    return
                body = json.dumps(server.actor()).encode()
                self.send_response(200)
                self.send_header("Content-Type", ACTIVITY)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                server.received.append((self.path, dict(self.headers.items()), body))
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def actor(self):
        actor = self.base + "/users/zoe"
        return {
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": actor, "type": "Person", "preferredUsername": "zoe", "name": "Zoe", "inbox": actor + "/inbox",
            "publicKey": {"id": actor + "#main-key", "owner": actor, "publicKeyPem": self.key.publickey().export_key().decode()},
        }

    def post(self, url, activity, key=None):
        """POSTs `activity`, signed with httpsig as Mastodon signs: (request-target) host date digest."""
        body = json.dumps(activity).encode()
        parts = urllib.parse.urlsplit(url)
        headers = {
            "Host": parts.netloc, "Date": formatdate(usegmt=True), "Content-Type": ACTIVITY,
            "Digest": "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode(),
        }
        signer = HeaderSigner(
            self.base + "/users/zoe#main-key", (key or self.key).export_key(), algorithm="rsa-sha256",
            headers=["(request-target)", "host", "date", "digest"], sign_header="signature")
        signed = signer.sign(headers, host=parts.netloc, method="POST", path=parts.path)
        request = urllib.request.Request(url, data=body, headers=signed, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def stop(self):
        self.httpd.shutdown()


def get_json(url, accept=ACTIVITY):
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept}), timeout=10) as answer:
        return answer.headers.get("Content-Type"), json.loads(answer.read())


def test_a_fediverse_account_follows_and_the_accept_verifies_with_httpsig(node):
    host = urllib.parse.urlsplit(node.base).netloc
    # WebFinger, as a fediverse server looks the address up, then the actor.
    kind, finger = get_json(node.base + "/.well-known/webfinger?resource=acct:owner@" + host, accept="application/jrd+json")
    assert kind == "application/jrd+json"
    actor_url = next(link["href"] for link in finger["links"] if link["rel"] == "self" and link["type"] == ACTIVITY)
    _, actor = get_json(actor_url)
    assert actor["preferredUsername"] == "owner" and actor["type"] == "Person"
    node_key = actor["publicKey"]["publicKeyPem"]
    assert RSA.import_key(node_key).size_in_bits() == 2048

    server = FediverseServer()
    try:
        follow = {"@context": "https://www.w3.org/ns/activitystreams", "id": server.base + "/follows/1", "type": "Follow",
                  "actor": server.base + "/users/zoe", "object": actor["id"]}
        # Signed by another key: refused.
        status, _ = server.post(actor["inbox"], follow, key=RSA.generate(2048))
        assert status == 401
        status, answer = server.post(actor["inbox"], follow)
        assert status == 202, answer

        deadline = time.time() + 15
        while time.time() < deadline and not server.received:
            time.sleep(0.05)
        assert server.received, "the node sent no Accept"
        path, headers, body = server.received[0]
        accept = json.loads(body)
        assert path == "/users/zoe/inbox"
        assert accept["type"] == "Accept" and accept["object"]["id"] == follow["id"] and accept["actor"] == actor["id"]
        # The node's signature, checked by httpsig against the key its actor publishes.
        verifier = HeaderVerifier(
            headers, node_key.encode(), required_headers=["(request-target)", "host", "date", "digest"], method="POST", path=path,
            host=urllib.parse.urlsplit(server.base).netloc, sign_header="signature")
        assert verifier.verify()
        assert headers["Digest"] == "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()
        assert actor["publicKey"]["id"] in headers["Signature"]

        _, followers = get_json(actor["followers"])
        assert followers["totalItems"] == 1
        listed = subprocess.run([wikinode_binary(), "peers", "--data", node.data], text=True, capture_output=True, check=True, cwd=ROOT)
        assert "@zoe@127.0.0.1" in listed.stdout
        undo = {"id": server.base + "/undo/1", "type": "Undo", "actor": follow["actor"], "object": follow}
        status, _ = server.post(actor["inbox"], undo)
        assert status == 202
        _, followers = get_json(actor["followers"])
        assert followers["totalItems"] == 0
    finally:
        server.stop()
