"""Federation in a real browser: the owner follows a second node from /peers, sees a twin on a
page, compares it, and forks it into this wiki; the history keeps where it came from."""
import json
import os
import tempfile
import time
import urllib.request

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from conftest import Node
from test_editing import sign_in, wait


def put_page(node, title, markdown):
    request = urllib.request.Request(
        node.base + "/api/pages/" + title.replace(" ", "_"), data=json.dumps({"markdown": markdown}).encode(), method="PUT",
        headers={"Authorization": "Bearer " + node.token, "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        assert response.status in (200, 201)


@pytest.fixture(scope="module")
def peer():
    with tempfile.TemporaryDirectory(prefix="wikinode-browser-peer-") as data:
        running = Node(os.path.join(data, "data"))
        yield running
        running.stop()


def test_follow_see_a_twin_compare_and_fork(node, peer, browser, screenshot):
    put_page(peer, "Garden Notes", "The peer's *version* of the garden notes.\n\nWith a second paragraph.")
    put_page(node, "Garden Notes", "Our own garden notes.")
    sign_in(browser, node)

    # Follow the peer from /peers.
    browser.get(node.base + "/peers")
    browser.find_element(By.ID, "follow-url").send_keys(peer.base)
    browser.find_element(By.CSS_SELECTOR, "form.follow-form button[type=submit]").click()
    wait(browser).until(EC.url_contains("/peers?followed="))
    assert peer.base in browser.page_source

    # The pull runs in the background; the twin appears on our page.
    deadline = time.time() + 15
    while time.time() < deadline:
        browser.get(node.base + "/wiki/Garden_Notes")
        if browser.find_elements(By.CSS_SELECTOR, "section.twins li.twin"):
            break
        time.sleep(0.3)
    twin = browser.find_element(By.CSS_SELECTOR, "section.twins li.twin")
    assert "older than this" in twin.text.lower()  # theirs was written first
    screenshot(browser, "twins")

    # Compare, then open their version and fork it.
    twin.find_element(By.LINK_TEXT, "compare").click()
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "table.diff")))
    assert "version" in browser.find_element(By.CSS_SELECTOR, "table.diff").text
    browser.back()
    browser.find_element(By.CSS_SELECTOR, "section.twins li.twin a").click()
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".remote-content em")))
    assert browser.find_element(By.CSS_SELECTOR, ".remote-content em").text == "version"
    browser.find_element(By.XPATH, "//button[normalize-space()='Fork into this wiki']").click()
    wait(browser).until(EC.url_to_be(node.base + "/wiki/Garden_Notes"))
    assert browser.find_element(By.CSS_SELECTOR, ".content em").text == "version"
    assert "same text" in browser.find_element(By.CSS_SELECTOR, "section.twins").text.lower()

    browser.find_element(By.LINK_TEXT, "History").click()
    fork = browser.find_element(By.CSS_SELECTOR, ".history .fork")
    assert peer.base + "/wiki/Garden_Notes" in fork.text
    screenshot(browser, "fork-in-history")
