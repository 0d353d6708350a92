"""A node behind real nginx as a shared cache, configured by docs/nginx/wikinode.conf as it is:
anonymous views are kept and served from the cache, revalidated with a 304 when they expire,
an edit shows through within seconds, and signed-in pages are never kept. Loopback only."""
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request

import pytest

from conftest import PASSWORD, ROOT, Node

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def configuration(folder, nginx_port, node_port):
    """The documented configuration, with this test's addresses and folders, in an `http` block
    that logs what the cache did with every request (background checks too)."""
    text = open(os.path.join(ROOT, "docs", "nginx", "wikinode.conf")).read()
    for old, new in (("/var/cache/nginx/wikinode", os.path.join(folder, "cache")),
                     ("server 127.0.0.1:8080;", "server 127.0.0.1:%d;" % node_port),
                     ("listen 80;", "listen 127.0.0.1:%d;" % nginx_port)):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    temporary = "".join("%s_temp_path %s;\n" % (kind, os.path.join(folder, kind)) for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    # Started by root, nginx would run its worker as another user, which cannot use the
    # test's private folder; started by anyone else, it runs as that user anyway.
    user = "user root;" if os.geteuid() == 0 else ""
    return """
%(user)s
worker_processes 1;
error_log %(folder)s/error.log warn;
pid %(folder)s/nginx.pid;
events { worker_connections 256; }
http {
    log_format cache '$request_method $request_uri $status cache=$upstream_cache_status node=$upstream_status';
    access_log %(folder)s/access.log cache;
    log_subrequest on;
    %(temporary)s
    %(text)s
}
""" % {"user": user, "folder": folder, "temporary": temporary, "text": text}


@pytest.fixture(scope="module")
def proxied():
    if not os.access(NGINX, os.X_OK):
        pytest.fail("nginx is not installed: scripts/install-dependencies --test installs it")
    with tempfile.TemporaryDirectory(prefix="wikinode-cache-") as folder:
        nginx_port, node_port = free_port(), free_port()
        public = "http://127.0.0.1:%d" % nginx_port
        node = Node(os.path.join(folder, "data"), port=node_port, url=public)
        path = os.path.join(folder, "nginx.conf")
        with open(path, "w") as file:
            file.write(configuration(folder, nginx_port, node_port))
        nginx = subprocess.Popen([NGINX, "-p", folder, "-c", path, "-g", "daemon off;"], stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.time() + 10
            while True:
                try:
                    socket.create_connection(("127.0.0.1", nginx_port), timeout=1).close()
                    break
                except OSError:
                    assert nginx.poll() is None and time.time() < deadline, nginx.stderr.read() if nginx.poll() is not None else "nginx did not start"
                    time.sleep(0.05)
            node.public = public
            node.folder = folder
            yield node
        finally:
            nginx.send_signal(signal.SIGTERM)
            nginx.wait(timeout=10)
            node.stop()


def get(url, headers=None, opener=None):
    """Status, headers and body, a 304 included."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        response = (opener or urllib.request.build_opener()).open(request, timeout=10)
        return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def put_page(node, title, markdown, base=None):
    edit = {"markdown": markdown} if base is None else {"markdown": markdown, "baseRevision": base}
    request = urllib.request.Request(node.direct + "/api/pages/" + urllib.parse.quote(title.replace(" ", "_")),
                                     data=json.dumps(edit).encode(), method="PUT",
                                     headers={"Authorization": "Bearer " + node.token, "Content-Type": "application/json"})
    return json.loads(urllib.request.urlopen(request, timeout=10).read())


def logged(node):
    with open(os.path.join(node.folder, "access.log")) as log:
        return log.read().splitlines()


def test_anonymous_views_are_kept_revalidated_with_a_304_and_an_edit_shows_within_seconds(proxied):
    created = put_page(proxied, "Cached Page", "The first text.")
    page = proxied.public + "/wiki/Cached_Page"
    status, headers, first = get(page)
    assert status == 200 and headers["X-Cache-Status"] == "MISS" and "The first text." in first
    assert headers["Cache-Control"] == "public, max-age=0, s-maxage=5, stale-while-revalidate=30"
    status, headers, second = get(page)
    assert status == 200 and headers["X-Cache-Status"] == "HIT"
    # The same bytes as the node's own answer, with addresses that name the proxy.
    _, direct_headers, direct = get(proxied.direct + "/wiki/Cached_Page")
    assert second == direct == first and headers["ETag"] == direct_headers["ETag"]
    assert 'rel="canonical" href="%s/wiki/Cached_Page"' % proxied.public in second
    # A reader who has it is told so by the cache.
    status, _, body = get(page, {"If-None-Match": headers["ETag"]})
    assert status == 304 and body == ""

    # Expired and unchanged: the cache asks the node, which answers 304, and keeps its copy.
    # (nginx counts whole seconds: the copy expires 5 to 6 seconds after it was kept.)
    time.sleep(6.5)
    status, headers, body = get(page)
    assert status == 200 and body == first and headers["X-Cache-Status"] in ("STALE", "REVALIDATED")
    deadline = time.time() + 5
    while not any(line.startswith("GET /wiki/Cached_Page 200 cache=REVALIDATED node=304") for line in logged(proxied)):
        assert time.time() < deadline, logged(proxied)
        time.sleep(0.1)
    status, headers, body = get(page)
    assert headers["X-Cache-Status"] == "HIT" and body == first

    # An edit: through the cache within s-maxage and one background check.
    put_page(proxied, "Cached Page", "The second text.", base=created["revision"])
    edited = time.time()
    while "The second text." not in get(page)[2]:
        assert time.time() - edited < 10, "the edit did not show through the cache"
        time.sleep(0.2)
    seen = time.time() - edited
    assert seen < 10
    print("edit visible through nginx after %.1f s" % seen)


def sign_in(node):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    status, headers, form = get(node.public + "/login", opener=opener)
    assert status == 200 and headers["X-Cache-Status"] in ("MISS", "BYPASS", "EXPIRED")
    token = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    body = urllib.parse.urlencode({"csrf": token, "return": "/wiki/Signed_In_Page", "name": "owner", "password": PASSWORD}).encode()
    response = opener.open(urllib.request.Request(node.public + "/login", data=body), timeout=10)
    assert response.status == 200 and '<span class="signed-in">owner</span>' in response.read().decode()
    return opener


def test_signed_in_pages_are_never_kept_and_never_served_from_the_cache(proxied):
    put_page(proxied, "Signed In Page", "Read by everyone.")
    page = proxied.public + "/wiki/Signed_In_Page"
    get(page)
    assert get(page)[1]["X-Cache-Status"] == "HIT"
    opener = sign_in(proxied)
    for _ in range(3):
        status, headers, body = get(page, opener=opener)
        assert status == 200 and headers["X-Cache-Status"] == "BYPASS"
        assert headers["Cache-Control"] == "private, no-cache"
        assert '<span class="signed-in">owner</span>' in body
    # Anonymous readers still get the anonymous copy, and nothing of the signed-in one.
    status, headers, body = get(page)
    assert headers["X-Cache-Status"] == "HIT" and "signed-in" not in body and "Read by everyone." in body
    # Pages with forms and cookies are never kept, whoever asks.
    for path in ("/login", "/login"):
        status, headers, body = get(proxied.public + path)
        assert status == 200 and headers["X-Cache-Status"] != "HIT" and "no-store" in headers["Cache-Control"]
