"""Our feeds and microformats, read by independent parsers: feedparser and mf2py."""
import json
import urllib.request

import feedparser
import mf2py
import pytest

HOSTILE = 'Tom & Jerry <script>alert("x")</script> \u00e9 ]]> &amp;'


def put_post(node, title, markdown, tags, status="published", date="2026-01-15T10:00:00Z"):
    front = "---\nkind: post\ndate: %s\nstatus: %s\ntags: [%s]\n---\n" % (date, status, ", ".join(json.dumps(t) for t in tags))
    body = json.dumps({"markdown": front + markdown}).encode()
    request = urllib.request.Request(
        node.base + "/api/pages/" + urllib.request.quote(title.replace(" ", "_"), safe=""), data=body, method="PUT",
        headers={"Authorization": "Bearer " + node.token, "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        assert response.status in (200, 201)


def fetch(node, path):
    with urllib.request.urlopen(node.base + path) as response:
        return response.read(), response.headers


@pytest.fixture(scope="module")
def posts(node):
    put_post(node, "Feed One", "First *post* with a [[Welcome]] link and [rel](/wiki/Welcome).", ["feeds", "intro"])
    put_post(node, "Feed Two", "Body with " + HOSTILE + " and a very long line " + "x" * 20000, ["feeds", HOSTILE.replace("/", "")[:40]], date="2026-01-16T10:00:00Z")
    put_post(node, "Feed Draft", "hidden draft text", ["feeds"], status="draft")
    return node


@pytest.mark.parametrize("path", ["/feed.atom", "/feed.rss", "/tags/feeds/feed.atom", "/tags/feeds/feed.rss"])
def test_feeds_parse_without_errors_and_have_every_required_element(posts, path):
    body, headers = fetch(posts, path)
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.get("title")
    assert parsed.feed.get("link", "").startswith(posts.base)
    titles = [entry.title for entry in parsed.entries]
    assert "Feed One" in titles and "Feed Two" in titles
    assert "Feed Draft" not in titles
    for entry in parsed.entries:
        assert entry.get("id", "").startswith(posts.base + "/blog/")
        assert entry.get("link", "").startswith(posts.base + "/blog/")
        assert entry.get("published_parsed") or entry.get("updated_parsed")
        content = entry.content[0].value if "content" in entry else entry.get("summary", "")
        assert content
        assert 'href="/' not in content, "addresses in content are absolute"
    # WebSub discovery as a subscriber does it: the hub and the topic, in the feed and in its Link header.
    feed_links = {link.get("rel"): link.get("href") for link in parsed.feed.get("links", [])}
    assert feed_links.get("hub") == posts.base + "/websub/hub"
    assert feed_links.get("self") == posts.base + path
    assert '</websub/hub>; rel="hub", <%s>; rel="self"' % path in headers.get("Link", "")
    one = next(entry for entry in parsed.entries if entry.title == "Feed One")
    text = one.content[0].value if "content" in one else one.summary
    assert posts.base + "/wiki/Welcome" in text
    two = next(entry for entry in parsed.entries if entry.title == "Feed Two")
    text = two.content[0].value if "content" in two else two.summary
    assert "Tom &amp; Jerry" in text and "<script>" not in text


@pytest.mark.parametrize("path", ["/recent.atom", "/wiki/Feed_Two/history.atom"])
def test_change_feeds_give_every_entry_text(posts, path):
    body, headers = fetch(posts, path)
    assert headers["X-Content-Type-Options"] == "nosniff"
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.entries
    for entry in parsed.entries:
        assert "content" in entry and entry.content[0].value.strip(), entry.get("title")
        assert "<script>" not in entry.content[0].value
    two = next(entry for entry in parsed.entries if entry.title.startswith("Feed Two"))
    assert "<ins>" in two.content[0].value and "Tom &amp; Jerry" in two.content[0].value


def test_json_feed(posts):
    body, headers = fetch(posts, "/feed.json")
    assert headers["Content-Type"].startswith("application/feed+json")
    feed = json.loads(body)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] and feed["home_page_url"] and feed["feed_url"] == posts.base + "/feed.json"
    titles = [item["title"] for item in feed["items"]]
    assert "Feed One" in titles and "Feed Draft" not in titles
    for item in feed["items"]:
        assert item["id"] and item["url"].startswith(posts.base) and item["content_html"]


def test_conditional_requests_on_feeds(posts):
    body, headers = fetch(posts, "/feed.atom")
    request = urllib.request.Request(posts.base + "/feed.atom", headers={"If-None-Match": headers["ETag"]})
    try:
        urllib.request.urlopen(request)
        assert False, "expected 304"
    except urllib.error.HTTPError as error:
        assert error.code == 304


def test_autodiscovery_and_microformats(posts):
    body, _ = fetch(posts, "/blog")
    parsed = mf2py.parse(doc=body.decode(), url=posts.base + "/blog")
    alternates = {link["type"] for link in parsed["rel-urls"].values() if "alternate" in link.get("rels", [])}
    assert {"application/atom+xml", "application/rss+xml", "application/feed+json"} <= alternates
    feeds = [item for item in parsed["items"] if "h-feed" in item["type"]]
    entries = [child for feed in feeds for child in feed.get("children", []) if "h-entry" in child["type"]]
    assert any(entry["properties"]["name"][0] == "Feed One" for entry in entries)

    one = next(entry for entry in entries if entry["properties"]["name"][0] == "Feed One")
    permalink = one["properties"]["url"][0]
    body, _ = fetch(posts, permalink.replace(posts.base, ""))
    parsed = mf2py.parse(doc=body.decode(), url=permalink)
    entry = next(item for item in parsed["items"] if "h-entry" in item["type"])
    properties = entry["properties"]
    assert properties["name"] == ["Feed One"]
    assert properties["published"][0].startswith("2026-01-15")
    assert set(properties["category"]) == {"feeds", "intro"}
    assert "h-card" in properties["author"][0]["type"]
    assert "First" in properties["content"][0]["value"]
    assert properties["url"][0] == permalink
    cards = [item for item in parsed["items"] if "h-card" in item["type"]]
    assert cards, "the owner's h-card is on the page"
