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


# JSON-LD: the node's documents expanded with python3-pyld. Tests talk to loopback only, so the
# two remote contexts are given to pyld by its document loader: term maps written here from the
# Activity Vocabulary, ActivityPub and Security Vocabulary specifications, for every term the
# node writes, each defined as the published context (w3.org/ns/activitystreams, w3id.org/
# security/v1) defines it: the same IRI, and `@id` or a date type where it says so. Expansion keeps only defined terms, so a misspelt or invented property would be
# dropped: each document must expand with every one of its properties kept.
AS = "https://www.w3.org/ns/activitystreams#"
ID = {"@type": "@id"}
ACTIVITY_TERMS = {
    "@vocab": "_:", "as": AS, "ldp": "http://www.w3.org/ns/ldp#", "xsd": "http://www.w3.org/2001/XMLSchema#",
    "id": "@id", "type": "@type",
    **{name: "as:" + name for name in (
        "Person", "Article", "Note", "Create", "Update", "Delete", "Accept", "Follow", "Tombstone", "OrderedCollection", "Image",
        "name", "summary", "content", "mediaType", "preferredUsername")},
    **{name: {"@id": "as:" + name, "@type": "@id"} for name in (
        "url", "outbox", "followers", "following", "attributedTo", "inReplyTo", "actor", "object", "href", "sharedInbox")},
    "inbox": {"@id": "ldp:inbox", "@type": "@id"},
    "to": {"@id": "as:to", "@type": "@id"}, "cc": {"@id": "as:cc", "@type": "@id"},
    **{name: {"@id": "as:" + name, "@type": "@id"} for name in ("icon", "tag", "endpoints")},
    "totalItems": {"@id": "as:totalItems", "@type": "xsd:nonNegativeInteger"},
    "orderedItems": {"@id": "as:items", "@type": "@id", "@container": "@list"},
    "published": {"@id": "as:published", "@type": "xsd:dateTime"}, "updated": {"@id": "as:updated", "@type": "xsd:dateTime"},
}
SECURITY_TERMS = {
    "sec": "https://w3id.org/security#", "publicKey": {"@id": "sec:publicKey", "@type": "@id"},
    "publicKeyPem": "sec:publicKeyPem", "owner": {"@id": "sec:owner", "@type": "@id"},
}
CONTEXTS = {"https://www.w3.org/ns/activitystreams": ACTIVITY_TERMS, "https://w3id.org/security/v1": SECURITY_TERMS}


def offline_loader(url, options=None):
    assert url in CONTEXTS, "pyld asked for %s" % url
    return {"contextUrl": None, "documentUrl": url, "document": {"@context": CONTEXTS[url]}}


def property_names(document):
    """Every property name of a JSON document, nested objects included, but the JSON-LD keywords
    and what `@context` defines: the names a document uses, or (expanded) the IRIs it kept."""
    names = set()
    if isinstance(document, dict):
        for key, value in document.items():
            if key == "@context":
                continue
            if not key.startswith("@"):
                names.add(key)
            names |= property_names(value)
    elif isinstance(document, list):
        for item in document:
            names |= property_names(item)
    return names


def test_the_actor_and_collections_expand_with_pyld(node):
    from pyld import jsonld
    options = {"documentLoader": offline_loader}
    body = json.dumps({"markdown": "---\nkind: post\ntags: [fediverse]\n---\nA post, see [[Welcome]]."}).encode()
    request = urllib.request.Request(node.base + "/api/pages/A_Post_For_Pyld", data=body, method="PUT",
                                     headers={"Authorization": "Bearer " + node.token, "Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=10).read()
    _, actor = get_json(node.base + "/actor")
    _, outbox = get_json(node.base + "/actor/outbox")
    _, followers = get_json(node.base + "/actor/followers")
    permalink = next(item["object"]["id"] for item in outbox["orderedItems"] if item["object"]["name"] == "A Post For Pyld")
    kind, article = get_json(permalink)
    assert kind.startswith(ACTIVITY) and article["type"] == "Article" and article["tag"][0]["type"] == "Hashtag"
    for document in (actor, outbox, followers, article):
        expanded = jsonld.expand(document, options)
        assert expanded, document.get("id")
        kept = property_names(expanded)
        for name in property_names(document) - {"id", "type", "discoverable", "indexable", "manuallyApprovesFollowers", "sensitive"}:
            assert any(iri.endswith("#" + name) or iri.endswith(":" + name) for iri in kept) or name == "orderedItems", (name, kept)
    expanded_actor = jsonld.expand(actor, options)[0]
    assert expanded_actor["@type"] == [AS + "Person"]
    assert expanded_actor["http://www.w3.org/ns/ldp#inbox"] == [{"@id": actor["inbox"]}]
    key = expanded_actor["https://w3id.org/security#publicKey"][0]
    assert key["https://w3id.org/security#owner"] == [{"@id": actor["id"]}]
    expanded_article = jsonld.expand(article, options)[0]
    assert expanded_article["@type"] == [AS + "Article"]
    assert expanded_article[AS + "tag"][0]["@type"] == [AS + "Hashtag"]
    # The inline map of Mastodon's terms expands too.
    assert expanded_actor["http://joinmastodon.org/ns#discoverable"][0]["@value"] is True
