"""A real `wikinode serve` on 127.0.0.1 with a temporary data directory, and a real Chromium."""
import os
import re
import signal
import subprocess
import tempfile
import threading
import time

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCREENSHOTS = os.path.join(ROOT, "Tests", "browser", "screenshots")
PASSWORD = "a browser test password"


def wikinode_binary():
    for candidate in (os.environ.get("WIKINODE_BINARY"), os.path.join(ROOT, ".build", "debug", "wikinode")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise RuntimeError("no wikinode binary: run `swift build` first or set WIKINODE_BINARY")


class Node:
    """One wikinode process; stopped by its own PID."""

    def __init__(self, data, port=0, url=None):
        """With `url`, the node's public address is that (a proxy in front of it) and it
        listens on `port`, which `direct` names."""
        self.data = data
        self.direct = "http://127.0.0.1:%d" % port if port else None
        binary = wikinode_binary()
        for name in ("owner", "editor"):
            subprocess.run([binary, "user", "add", "--data", data, name], input=PASSWORD + "\n", text=True, check=True, capture_output=True, cwd=ROOT)
        created = subprocess.run([binary, "token", "create", "--data", data, "tests"], text=True, check=True, capture_output=True, cwd=ROOT)
        self.token = created.stdout.strip().splitlines()[-1]
        self.process = subprocess.Popen(
            [binary, "serve", "--data", data, "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--allow-private-addresses", "--loopback-only"]
            + (["--url", url] if url else []),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT)
        self.base = None
        deadline = time.time() + 60
        while time.time() < deadline:
            line = self.process.stdout.readline()
            match = re.search(r"serving (http://127\.0\.0\.1:\d+)/", line or "")
            if match:
                self.base = match.group(1)
                break
            if self.process.poll() is not None:
                break
        if not self.base:
            self.stop()
            raise RuntimeError("wikinode did not start")
        # Keep reading its output so the pipe never fills.
        threading.Thread(target=lambda: [None for _ in self.process.stdout], daemon=True).start()

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture(scope="session")
def node():
    with tempfile.TemporaryDirectory(prefix="wikinode-browser-") as data:
        running = Node(os.path.join(data, "data"))
        yield running
        running.stop()


def make_browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    return driver


@pytest.fixture
def browser():
    driver = make_browser()
    yield driver
    driver.quit()


@pytest.fixture
def screenshot():
    os.makedirs(SCREENSHOTS, exist_ok=True)

    def take(driver, name):
        driver.save_screenshot(os.path.join(SCREENSHOTS, name + ".png"))

    return take
