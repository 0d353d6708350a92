"""The conversation across three real nodes, in a real Chromium and read by mf2py: B replies to
A's page, C replies to B's reply; A shows both, nested, though it never heard of C; a reader
follows the thread from node to node by clicking; graphs draw without running anything from
the pages they show."""
import json
import os
import tempfile
import time
import urllib.request

import mf2py
import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from conftest import Node
from test_editing import wait
from test_federation import put_page


def read(url):
    with urllib.request.urlopen(url) as response:
        return response.read().decode()


def wait_for(predicate, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture(scope="module")
def others():
    with tempfile.TemporaryDirectory(prefix="wikinode-browser-thread-") as data:
        b = Node(os.path.join(data, "b"))
        c = Node(os.path.join(data, "c"))
        yield b, c
        b.stop()
        c.stop()


def test_a_thread_across_three_nodes(node, others, browser, screenshot):
    a = node
    b, c = others
    top = a.base + "/wiki/Thread_Start"
    put_page(a, "Thread Start", "A question worth a thread.")
    put_page(b, "Answer", "---\nin-reply-to: %s\n---\nB answers A." % top)
    answer = b.base + "/wiki/Answer"
    put_page(c, "Counter", "---\nin-reply-to: %s\n---\nC answers B." % answer)
    counter = c.base + "/wiki/Counter"

    # Salmention: A learns of C through B.
    assert wait_for(lambda: counter in read(top)), "C's reply reached A"
    parsed = mf2py.parse(doc=read(top), url=top)
    entry = next(item for item in parsed["items"] if "h-entry" in item["type"])
    comments = entry["properties"]["comment"]
    assert comments[0]["properties"]["url"] == [answer]
    assert comments[0]["properties"]["comment"][0]["properties"]["url"] == [counter]
    # B's reply is marked up as one, with its context fetched from A.
    assert wait_for(lambda: "A question worth a thread." in read(answer))
    reply = next(item for item in mf2py.parse(doc=read(answer), url=answer)["items"] if "h-entry" in item["type"])
    cited = reply["properties"]["in-reply-to"][0]
    assert cited["properties"]["url"] == [top]
    assert cited["properties"]["name"] == ["Thread Start"]

    # A reader follows the thread by clicking: A's thread, to B's reply, B's thread, C's reply,
    # C's thread, and up to the top again.
    browser.get(top)
    browser.find_element(By.LINK_TEXT, "Thread").click()
    wait(browser).until(EC.url_to_be(top + "/thread"))
    nested = browser.find_element(By.CSS_SELECTOR, "ol.thread-root li.page ol.thread-replies li.reply ol.thread-replies li.reply")
    assert "Counter" in nested.text
    assert "newest" in nested.text.lower()
    screenshot(browser, "thread")
    browser.find_element(By.CSS_SELECTOR, "li.reply a.u-url[href='%s']" % answer).click()
    wait(browser).until(EC.url_to_be(answer))
    browser.find_element(By.LINK_TEXT, "Thread").click()
    wait(browser).until(EC.url_to_be(answer + "/thread"))
    assert "Thread Start" in browser.find_element(By.CSS_SELECTOR, "section.thread-above").text
    browser.find_element(By.CSS_SELECTOR, "li.reply a.u-url[href='%s']" % counter).click()
    wait(browser).until(EC.url_to_be(counter))
    browser.find_element(By.LINK_TEXT, "Thread").click()
    wait(browser).until(EC.url_to_be(counter + "/thread"))
    assert wait_for(lambda: "Thread Start" in read(counter + "/thread")), "C knows the chain above it"
    browser.refresh()
    above = browser.find_element(By.CSS_SELECTOR, "section.thread-above").text
    assert above.index("Thread Start") < above.index("Answer")
    browser.find_element(By.CSS_SELECTOR, "section.thread-above a.u-url[href='%s']" % top).click()
    wait(browser).until(EC.url_to_be(top))


def test_graphs_run_nothing_from_the_pages_they_show(node, browser, screenshot):
    hostile = 'Evil <img src=x onerror="window.__pwned=1"> "quoted" <script>window.__pwned=2<\u2044script>'
    put_page(node, "Graph Hub", "See [[Graph Spoke]] and [[%s]]." % hostile)
    put_page(node, "Graph Spoke", "Back to [[Graph Hub]].")
    browser.get(node.base + "/wiki/Graph_Hub/graph")
    assert browser.find_elements(By.CSS_SELECTOR, "figure.graph-picture svg g.node")
    assert browser.execute_script("return window.__pwned") is None
    try:
        browser.switch_to.alert
        raise AssertionError("an alert opened")
    except NoAlertPresentException:
        pass
    screenshot(browser, "graph")
    # The picture is clickable without JavaScript: its nodes are links.
    browser.find_element(By.CSS_SELECTOR, "svg g.node a[*|href='/wiki/Graph_Spoke']").click()
    wait(browser).until(EC.url_to_be(node.base + "/wiki/Graph_Spoke"))
    browser.get(node.base + "/graph")
    assert browser.find_elements(By.CSS_SELECTOR, "figure.graph-picture svg g.node")
    assert browser.execute_script("return window.__pwned") is None
