"""Editing in a real browser: sign in, create a page from a missing link, live preview, save,
history, revert, and a conflict between two windows resolved without losing either text."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import PASSWORD


def wait(driver, seconds=10):
    return WebDriverWait(driver, seconds)


def sign_in(driver, node, name="owner"):
    driver.get(node.base + "/login")
    driver.find_element(By.ID, "name").send_keys(name)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form.stacked button[type=submit]").click()
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, "nav.account .signed-in")))
    assert driver.find_element(By.CSS_SELECTOR, "nav.account .signed-in").text == name


def replace_text(driver, text):
    area = driver.find_element(By.ID, "markdown")
    area.clear()
    area.send_keys(text)


def save(driver):
    driver.find_element(By.CSS_SELECTOR, "button[value=save]").click()


def test_create_from_missing_link_preview_save_history_and_revert(node, browser, screenshot):
    sign_in(browser, node)
    # A missing link looks different and leads to creating the page.
    browser.get(node.base + "/wiki/Markdown_Help")
    missing = browser.find_element(By.CSS_SELECTOR, "a.wikilink.missing[href='/wiki/WikiNode']")
    missing.click()
    assert "There is no page titled" in browser.page_source
    browser.find_element(By.LINK_TEXT, "Create this page").click()
    wait(browser).until(EC.presence_of_element_located((By.ID, "markdown")))
    assert "Creating" in browser.find_element(By.TAG_NAME, "h1").text

    # Live preview as you type, rendered by the server.
    replace_text(browser, "A *node* of the web, see [[Welcome]].\n\nSecond paragraph.")
    wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#preview em"))
    assert browser.find_element(By.CSS_SELECTOR, "#preview em").text == "node"
    assert browser.find_element(By.CSS_SELECTOR, "#preview a.wikilink").get_attribute("href").endswith("/wiki/Welcome")
    browser.find_element(By.ID, "summary").send_keys("first words")
    screenshot(browser, "edit-with-preview")
    save(browser)
    wait(browser).until(EC.url_to_be(node.base + "/wiki/WikiNode"))
    assert browser.find_element(By.CSS_SELECTOR, ".content em").text == "node"

    # A second revision, then the history lists both with author and summary.
    browser.find_element(By.LINK_TEXT, "Edit").click()
    replace_text(browser, "Rewritten completely.")
    browser.find_element(By.ID, "summary").send_keys("rewrite")
    save(browser)
    wait(browser).until(EC.url_to_be(node.base + "/wiki/WikiNode"))
    browser.find_element(By.LINK_TEXT, "History").click()
    rows = browser.find_elements(By.CSS_SELECTOR, "table.history tbody tr")
    assert len(rows) == 2
    assert "rewrite" in rows[0].text and "owner" in rows[0].text
    assert "first words" in rows[1].text

    # Revert to the first revision with one button.
    rows[1].find_element(By.CSS_SELECTOR, "td a").click()
    browser.find_element(By.CSS_SELECTOR, "form.revert button").click()
    wait(browser).until(EC.url_to_be(node.base + "/wiki/WikiNode"))
    assert "A node of the web" in browser.find_element(By.CSS_SELECTOR, ".content").text
    browser.find_element(By.LINK_TEXT, "History").click()
    assert "Reverted to revision" in browser.find_elements(By.CSS_SELECTOR, "table.history tbody tr")[0].text


def test_two_windows_conflict_and_nothing_is_lost(node, browser, screenshot):
    sign_in(browser, node)
    browser.get(node.base + "/wiki/Conflict_Zone/edit")
    replace_text(browser, "line one\nline two\nline three\n")
    save(browser)
    wait(browser).until(EC.url_to_be(node.base + "/wiki/Conflict_Zone"))

    # Two windows open the editor on the same revision.
    first = browser.current_window_handle
    browser.get(node.base + "/wiki/Conflict_Zone/edit")
    browser.switch_to.new_window("window")
    second = browser.current_window_handle
    browser.get(node.base + "/wiki/Conflict_Zone/edit")

    browser.switch_to.window(first)
    replace_text(browser, "line one\nfirst window's two\nline three\n")
    save(browser)
    wait(browser).until(EC.url_to_be(node.base + "/wiki/Conflict_Zone"))

    browser.switch_to.window(second)
    replace_text(browser, "line one\nsecond window's two\nline three\n")
    browser.find_element(By.ID, "summary").send_keys("from the second window")
    save(browser)
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "section.conflict")))
    # Their own text is intact in the editor; the other change and the clash are shown.
    assert browser.find_element(By.ID, "markdown").get_attribute("value") == "line one\nsecond window's two\nline three\n"
    assert "first window's two" in browser.find_element(By.CSS_SELECTOR, "section.conflict").text
    assert "second window's two" in browser.find_element(By.CSS_SELECTOR, ".conflict-region").text
    screenshot(browser, "conflict")

    # Resolve by keeping both, and save.
    replace_text(browser, "line one\nfirst window's two\nsecond window's two\nline three\n")
    save(browser)
    wait(browser).until(EC.url_to_be(node.base + "/wiki/Conflict_Zone"))
    text = browser.find_element(By.CSS_SELECTOR, ".content").text
    assert "first window's two" in text and "second window's two" in text


def test_page_reads_without_javascript_and_fits_a_phone(node, screenshot):
    from conftest import make_browser
    driver = make_browser()
    try:
        driver.set_window_size(390, 844)
        sign_in(driver, node, "editor")
        driver.get(node.base + "/wiki/Welcome/edit")
        width = driver.execute_script("return document.documentElement.scrollWidth")
        assert width <= 400, "the edit form fits a phone-width screen"
        labels = [label.text for label in driver.find_elements(By.CSS_SELECTOR, "form.editor label")]
        assert any("Text" in label for label in labels) and any("Summary" in label for label in labels)
        screenshot(driver, "edit-phone")
    finally:
        driver.quit()
