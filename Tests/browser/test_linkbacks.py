"""Linkbacks with independent clients: Python's xmlrpc.client for Pingback, plain form posts
for Trackback and Webmention, against a real node. Sources are served by a small Python site
on 127.0.0.1 (the node runs with --allow-private-addresses)."""
import http.server
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
import xmlrpc.client

import pytest

PAGES = {}


class Site(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = PAGES.get(self.path)
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d" % server.server_address[1]
    server.shutdown()


def page_text(node, path):
    with urllib.request.urlopen(node.base + path) as response:
        return response.read().decode()


def wait_for(predicate, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def post_form(url, fields):
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(), method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_pingback_with_xmlrpc_client(node, site):
    target = node.base + "/wiki/Welcome"
    PAGES["/pingback-source"] = '<html><head><title>Pinged from Python</title></head><body><a href="%s">welcome</a></body></html>' % target
    server = xmlrpc.client.ServerProxy(node.base + "/pingback")
    answer = server.pingback.ping(site + "/pingback-source", target)
    assert isinstance(answer, str)
    assert wait_for(lambda: "Pinged from Python" in page_text(node, "/wiki/Welcome"))
    with pytest.raises(xmlrpc.client.Fault) as fault:
        server.pingback.ping(site + "/pingback-source", target)
    assert fault.value.faultCode == 48
    with pytest.raises(xmlrpc.client.Fault) as fault:
        server.pingback.ping(site + "/pingback-source", node.base + "/wiki/No_Such_Page_Here")
    assert fault.value.faultCode == 32
    with pytest.raises(xmlrpc.client.Fault) as fault:
        server.pingback.ping(site + "/pingback-source", "https://elsewhere.example/page")
    assert fault.value.faultCode == 33


def test_trackback_with_a_plain_form(node, site):
    target = node.base + "/wiki/Welcome"
    PAGES["/trackback-source"] = '<html><body><p>A post linking <a href="%s">here</a>.</p></body></html>' % target
    status, body = post_form(node.base + "/trackback/Welcome",
                             {"url": site + "/trackback-source", "title": "Tracked from Python", "excerpt": "An excerpt", "blog_name": "Py blog"})
    assert status == 200
    assert ET.fromstring(body).findtext("error") == "0"
    assert wait_for(lambda: "Tracked from Python" in page_text(node, "/wiki/Welcome"))
    status, body = post_form(node.base + "/trackback/Welcome", {"title": "no url"})
    response = ET.fromstring(body)
    assert response.findtext("error") == "1" and response.findtext("message")
    # The page advertises its ping URL as RDF in a comment.
    assert 'trackback:ping="%s/trackback/Welcome"' % node.base in page_text(node, "/wiki/Welcome")


def test_webmention_with_a_plain_form(node, site):
    target = node.base + "/wiki/Welcome"
    PAGES["/webmention-source"] = ('<html><body><article class="h-entry"><span class="p-name">Mentioned from Python</span>'
                                   '<div class="e-content"><a href="%s">welcome</a></div></article></body></html>') % target
    status, _ = post_form(node.base + "/webmention", {"source": site + "/webmention-source", "target": target})
    assert status == 202
    assert wait_for(lambda: "Mentioned from Python" in page_text(node, "/wiki/Welcome"))
    status, body = post_form(node.base + "/webmention", {"source": site + "/webmention-source", "target": "https://elsewhere.example/"})
    assert status == 400 and "not a page of this node" in body
