"""Drives the operations dashboard in a real headless browser (Debian chromium + chromedriver,
through selenium from the verification venv), as an operator would.

    dashboard_check.py BASE_URL FAILED_JOB_ID WORKER_ID SCREENSHOT.png

Loads BASE_URL/ops/, waits until the page shows the failed job (state, error) and the worker,
checks the lanes table, saves a screenshot, presses the job's Retry button, waits until the job
leaves the failures table, and looks the job up by id in the page to see it succeeded. Prints one
JSON line of what it saw; exits 1 with a message on any mismatch.
"""
import json
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By


def fail(message, driver=None):
    print(json.dumps({"ok": False, "error": message}))
    if driver is not None:
        driver.quit()
    sys.exit(1)


def wait_for(driver, what, condition, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            value = condition()
            if value:
                return value
        except Exception:  # the table is being re-rendered: try again
            pass
        time.sleep(0.1)
    fail(f"timed out waiting for {what}", driver)


def main(base, job_id, worker_id, screenshot):
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,900"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.get(base.rstrip("/") + "/ops/")

    row = f'#failures tr[data-job="{job_id}"]'
    wait_for(driver, "the failed job", lambda: driver.find_elements(By.CSS_SELECTOR, row))
    state = driver.find_element(By.CSS_SELECTOR, row + " td.state").text
    error = driver.find_element(By.CSS_SELECTOR, row + " td.error").text
    if state != "failed" or "image_expired" not in error:
        fail(f"failure row shows state {state!r}, error {error!r}", driver)
    wait_for(driver, "the worker", lambda: driver.find_elements(By.CSS_SELECTOR, f'#workers tr[data-worker="{worker_id}"]'))
    lanes = [tr.get_attribute("data-lane") for tr in driver.find_elements(By.CSS_SELECTOR, "#lanes tbody tr")]
    if sorted(lanes) != ["batch", "interactive"]:
        fail(f"lanes shown: {lanes}", driver)
    depth = driver.find_element(By.CSS_SELECTOR, '#lanes tr[data-lane="interactive"] td.depth').text
    driver.save_screenshot(screenshot)

    driver.find_element(By.CSS_SELECTOR, row + " button.retry").click()
    wait_for(driver, "the job to leave the failures", lambda: not driver.find_elements(By.CSS_SELECTOR, row))
    driver.find_element(By.ID, "job-id").send_keys(job_id)
    driver.find_element(By.CSS_SELECTOR, "#lookup button").click()
    looked_up = wait_for(driver, "the job lookup", lambda: json.loads(driver.find_element(By.ID, "job").text or "null"))
    deadline = time.time() + 60
    while looked_up.get("state") != "succeeded" and time.time() < deadline:
        driver.find_element(By.CSS_SELECTOR, "#lookup button").click()
        time.sleep(0.2)
        looked_up = json.loads(driver.find_element(By.ID, "job").text or "null") or {}
    if looked_up.get("state") != "succeeded":
        fail(f"after retry the job is {looked_up}", driver)
    driver.quit()
    print(json.dumps({"ok": True, "state_before": state, "error_before": error, "lanes": lanes, "interactive_depth": depth,
                      "state_after": looked_up["state"], "attempts_after": looked_up.get("attempts")}))


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
