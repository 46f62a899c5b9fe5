"""The HTML report of a seeded class (40 learners, 7 modules, mixed attempts) in headless Chromium.

Chromium and its WebDriver come from Debian's packages (`.ci/run` installs them); the page is
opened from a file, as an instructor opens the report, with no network.
"""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from class_seed import seed

from course import gradebook, html_report
from course.progress import Store

CHROMEDRIVER = os.environ.get("GRADER_TEST_CHROMEDRIVER") or shutil.which("chromedriver")
CHROMIUM = os.environ.get("GRADER_TEST_CHROMIUM") or shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    not (CHROMEDRIVER and CHROMIUM), reason="Debian's chromium and chromium-driver are not installed (.ci/run does)")


@pytest.fixture
def browser(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp_path / 'chromium-profile'}", "--window-size=1600,1200"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER, log_output=subprocess.DEVNULL), options=options)
    yield driver
    driver.quit()


def test_report_shows_the_class_matrix_and_correct_charts(tmp_path, browser):
    from selenium.webdriver.common.by import By

    store = Store(f"sqlite:///{tmp_path / 'class.sqlite'}")
    seeded = seed(store, learners=40, modules=7)
    progress = gradebook.class_progress(store)
    page = tmp_path / "report.html"
    page.write_text(html_report.render(progress), encoding="utf-8")

    browser.get(page.as_uri())
    assert "Class progress" in browser.title
    matrix = browser.find_element(By.ID, "matrix")
    assert matrix.is_displayed() and matrix.size["height"] > 400
    headers = [th.text for th in matrix.find_elements(By.CSS_SELECTOR, "thead th[data-module]")]
    assert headers == seeded["modules"]
    rows = matrix.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(rows) == 40
    for row in rows[:10]:  # every cell says what the store holds
        learner = row.get_attribute("data-learner")
        for cell in row.find_elements(By.CSS_SELECTOR, "td[data-module]"):
            want = seeded["expected"].get((learner, cell.get_attribute("data-module")))
            if want is None:
                assert cell.get_attribute("class") == "none"
                continue
            assert cell.get_attribute("class") == ("passed" if want["passed"] else "failed")
            assert cell.text.startswith(f"{want['best']}/") and cell.text.endswith(f"×{want['attempts']}")
    passed_colour = rows[0].find_element(By.CSS_SELECTOR, "td.passed, td.failed").value_of_css_property(
        "background-color")
    assert passed_colour not in ("rgba(0, 0, 0, 0)", "transparent"), "cells are coloured"

    chart = browser.find_element(By.ID, "chart-pass-rate")
    assert chart.is_displayed() and chart.size["width"] > 300 and chart.size["height"] > 100
    bars = chart.find_elements(By.CSS_SELECTOR, "g.row")
    assert [bar.get_attribute("data-key") for bar in bars] == seeded["modules"]
    stats = {s.module: s for s in progress.module_stats}
    full = chart.find_elements(By.CSS_SELECTOR, "rect.track")[0].size["width"]
    for bar in bars:
        module = bar.get_attribute("data-key")
        drawn = bar.find_element(By.CSS_SELECTOR, "rect.bar").size["width"]
        assert abs(drawn / full - stats[module].pass_rate) < 0.01, (module, drawn, full)
        assert f"{stats[module].passed}/{stats[module].tried}" in bar.text

    failing = browser.find_element(By.ID, "chart-failing-checks")
    counts = [float(g.get_attribute("data-value")) for g in failing.find_elements(By.CSS_SELECTOR, "g.row")]
    assert failing.is_displayed() and counts and counts == sorted(counts, reverse=True)
    assert browser.find_element(By.ID, "chart-time-to-pass").is_displayed()
    leftovers = browser.find_elements(By.CSS_SELECTOR, "#leftovers tbody tr")
    assert len(leftovers) == sum(1 for want in seeded["expected"].values() if want["latest_left"]) > 0

    screenshot = tmp_path / "report.png"
    assert browser.save_screenshot(str(screenshot)) and screenshot.stat().st_size > 10_000
