"""Drives the Tide dashboard in headless Chromium with Selenium; run by scripts/browser-test.

`fleet`: the end-to-end test against a `tide dev` fleet (see scripts/browser-test --help).
`bench`: the first load of the fleet page on a large synthetic fleet; prints JSON.
Every check raises Failure with what was expected and what the page showed.
"""

import argparse
import json
import os
import re
import signal
import ssl
import statistics
import sys
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

PHONE = (390, 844)
DESKTOP = (1280, 900)


class Failure(Exception):
    pass


def browser(size=DESKTOP):
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ["TIDE_CHROMIUM"]
    for argument in [
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps",
        "--disable-extensions", "--hide-scrollbars", "--force-device-scale-factor=1", f"--window-size={size[0]},{size[1]}",
    ]:
        options.add_argument(argument)
    # tide dev's certificate is signed by its own fleet CA.
    options.accept_insecure_certs = True
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=os.environ["TIDE_CHROMEDRIVER"]), options=options)
    driver.set_window_size(*size)
    return driver


def wait_for(what, check, timeout=10.0, interval=0.05):
    """Calls check() until it returns something true; Failure after timeout seconds."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            result = check()
            if result:
                return result
        except Exception as error:  # the page is changing under us: try again
            last = error
        if time.monotonic() > deadline:
            raise Failure(f"{what}: not within {timeout} s" + (f" (last error: {last})" if last else ""))
        time.sleep(interval)


class API:
    """The HTTP API, for setting up what the page should then show."""

    def __init__(self, base, token, cafile=None):
        self.base = base
        self.token = token
        self.context = ssl.create_default_context(cafile=cafile) if base.startswith("https") else None

    def call(self, method, path, body=None, content_type="application/json", timeout=60):
        request = urllib.request.Request(self.base + path, data=body, method=method)
        request.add_header("Authorization", "Bearer " + self.token)
        if body is not None:
            request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request, timeout=timeout, context=self.context) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            raise Failure(f"{method} {path}: {error.code} {error.read().decode(errors='replace')}")


def login(driver, base, token):
    driver.get(base + "/")
    field = wait_for("the login form", lambda: driver.find_element(By.ID, "token"))
    field.send_keys(token)
    driver.find_element(By.CSS_SELECTOR, "#login button").click()
    wait_for("the fleet page after login", lambda: driver.find_elements(By.CSS_SELECTOR, "#fleet"))


def fleet_rows(driver):
    return {row.get_attribute("data-device"): row.get_attribute("data-status")
            for row in driver.find_elements(By.CSS_SELECTOR, "#fleet tbody tr")}


def shoot(driver, directory, name):
    time.sleep(0.3)  # let the last refresh paint
    path = os.path.join(directory, name + ".png")
    # The whole page, not only the window: make the window as tall as the document.
    width = driver.get_window_size()["width"]
    driver.set_window_size(width, PHONE[1] if width <= PHONE[0] else DESKTOP[1])
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(height + 140, 4000))
    driver.save_screenshot(path)
    print(f"   screenshot {path}")


def browser_errors(driver):
    """SEVERE console entries but the 401/403 answers the test provokes on purpose."""
    return [entry["message"] for entry in driver.get_log("browser")
            if entry["level"] == "SEVERE" and "status of 401" not in entry["message"] and "status of 403" not in entry["message"]]


def banner_pids(path):
    """name -> pid of each simulated device, from tide dev's banner."""
    pids = {}
    with open(path, encoding="utf-8") as banner:
        for line in banner:
            match = re.match(r"\s+(\S+)\s+http://127\.0\.0\.1:(\d+)\s+pid (\d+)", line)
            if match:
                pids[match.group(1)] = int(match.group(3))
    return pids


def fleet_test(args):
    token = open(os.path.join(args.data_dir, "operator.token"), encoding="utf-8").read().strip()
    api = API(args.base, token, cafile=os.path.join(args.data_dir, "tls", "ca.pem"))
    pids = banner_pids(args.banner)
    if len(pids) != 5:
        raise Failure(f"tide dev's banner names {len(pids)} devices with pids, expected 5: {pids}")
    if "Dashboard: https://127.0.0.1:3000/" not in open(args.banner, encoding="utf-8").read():
        raise Failure("tide dev's banner does not print the dashboard's URL")
    shots = args.screenshots
    driver = browser()
    watcher = None
    try:
        print("== login page: no token, then a wrong one")
        driver.get(args.base + "/")
        wait_for("the login form", lambda: driver.find_element(By.ID, "token"))
        if driver.find_element(By.ID, "nav").is_displayed():
            raise Failure("the navigation shows on the sign-in page")
        shoot(driver, shots, "login")
        driver.find_element(By.ID, "token").send_keys("tide_wrong")
        driver.find_element(By.CSS_SELECTOR, "#login button").click()
        wait_for("the server's refusal on the login page",
                 lambda: "not valid" in driver.find_element(By.ID, "login-message").text)

        print("== signing in with the operator token: the five devices, alive")
        driver.find_element(By.ID, "token").clear()
        driver.find_element(By.ID, "token").send_keys(token)
        driver.find_element(By.CSS_SELECTOR, "#login button").click()
        rows = wait_for("five alive devices on the fleet page", lambda: (
            lambda rows: rows if len(rows) == 5 and set(rows.values()) == {"alive"} else None)(fleet_rows(driver)), timeout=30)
        devices = {device["id"]: device for device in api.call("GET", "/api/v1/devices")["devices"]}
        if set(rows) != set(devices):
            raise Failure(f"the page lists {sorted(rows)}, the API {sorted(devices)}")
        if driver.execute_script("return sessionStorage.getItem('tide.operatorToken')") != token:
            raise Failure("the token is not kept in sessionStorage")
        shoot(driver, shots, "fleet")

        print("== applying manifests through the API: they appear on the deployments page")
        driver.get(args.base + "/#/deployments")
        wait_for("the deployments page", lambda: driver.find_element(By.ID, "deployments"))
        applied = time.monotonic()
        for name in ["fibo.yaml", "lobby-camera.yaml"]:
            with open(os.path.join(args.manifests, name), "rb") as manifest:
                api.call("POST", "/api/v1/deployments", manifest.read(), "application/yaml")
        for name in ["fibo", "lobby-camera"]:
            wait_for(f"deployment {name} on the deployments page, running", lambda: driver.find_elements(
                By.CSS_SELECTOR, f'section[data-deployment="{name}"] span.badge[data-status="active"]'), timeout=20)
        print(f"   both shown active {time.monotonic() - applied:.1f} s after the first POST")
        for name in ["fibo", "lobby-camera"]:
            wait_for(f"the graph of {name}", lambda: driver.find_elements(By.CSS_SELECTOR, f'svg.graph[data-deployment="{name}"] g.step'))
        shoot(driver, shots, "deployments")

        print("== the deployment page of fibo and the device page of the device that runs it")
        fibo = api.call("GET", "/api/v1/deployments/fibo")
        victim = fibo["steps"][0]["device"]
        victim_name = devices[victim]["name"]
        if victim_name not in pids:
            raise Failure(f"fibo runs on {victim} ({victim_name}), which tide dev's banner does not name")
        driver.get(args.base + "/#/deployment/fibo")
        wait_for("fibo's step on its device", lambda: driver.find_elements(
            By.CSS_SELECTOR, f'table.steps tr[data-step="fibo"][data-device="{victim}"]'))
        watcher = browser()
        login(watcher, args.base, token)
        watcher.get(args.base + "/#/devices/" + victim)
        wait_for("the device page, alive", lambda: watcher.find_elements(By.CSS_SELECTOR, 'h1 + span.badge[data-status="alive"]'))
        wait_for("the device page's interfaces", lambda: watcher.find_elements(By.CSS_SELECTOR, "#interfaces code"))
        wait_for("fibo among the steps on the device", lambda: watcher.find_elements(By.CSS_SELECTOR, '#device-steps tr[data-step="fibo"]'))
        shoot(watcher, shots, "device")

        # Typed before the failover: the form must keep it when the new generation arrives.
        field = wait_for("the run form's input n", lambda: driver.find_element(By.CSS_SELECTOR, '#run-form input[name="n"]'))
        field.send_keys("20")

        print(f"== SIGKILL of {victim_name} (pid {pids[victim_name]}), which runs fibo")
        killed = time.monotonic()
        os.kill(pids[victim_name], signal.SIGKILL)
        dead_at = moved_at = None
        while dead_at is None or moved_at is None:
            if moved_at is None:
                # Read in one script: the page may rebuild the table between two WebDriver calls.
                row = driver.execute_script("""
                    const row = document.querySelector('table.steps tr[data-step="fibo"]');
                    return row ? [row.dataset.device, row.dataset.state] : null;""")
                if row and row[0] not in ("", victim) and row[1] == "running":
                    moved_at = time.monotonic() - killed
                    moved_to = row[0]
            if dead_at is None and watcher.execute_script(
                    """return document.querySelector('h1 + span.badge[data-status="dead"]') !== null"""):
                dead_at = time.monotonic() - killed
            if time.monotonic() - killed > 3.0:
                raise Failure(f"within 3 s of SIGKILL: device dead on its page after {dead_at} s, fibo's step moved after {moved_at} s")
            time.sleep(0.05)
        print(f"   device page shows dead after {dead_at:.2f} s; fibo's step runs on {moved_to} after {moved_at:.2f} s")
        shoot(watcher, shots, "device-dead")

        print("== running fibo from its page's form, with n typed before the failover")
        wait_for("generation 2 on fibo's page", lambda: driver.find_element(By.ID, "generation").text == "generation 2")
        field = wait_for("the run form's input n", lambda: driver.find_element(By.CSS_SELECTOR, '#run-form input[name="n"]'))
        if field.get_attribute("value") != "20":
            raise Failure(f"the run form lost what was typed when the generation changed (n is now {field.get_attribute('value')!r})")
        driver.find_element(By.ID, "run-button").click()
        result = wait_for("the run's result", lambda: driver.find_element(By.ID, "run-result"), timeout=30)
        if result.get_attribute("data-success") != "true":
            raise Failure(f"the run failed: {result.text}")
        shown = driver.find_element(By.ID, "run-value").text
        expected = api.call("POST", "/api/v1/deployments/fibo/run", json.dumps({"inputs": {"n": 20}}).encode())
        if shown != json.dumps(expected["result"]):
            raise Failure(f"the page shows {shown}, the API's run gives {expected['result']}")
        step_rows = driver.find_elements(By.CSS_SELECTOR, '#run-result tr[data-step="fibo"]')
        if not step_rows or "ms" not in step_rows[0].text:
            raise Failure("the run's result shows no step with its value and time")
        print(f"   fibo(20) = {shown}; step: {step_rows[0].text}")
        shoot(driver, shots, "deployment")

        print("== an integer beyond 2^53 keeps every digit on the page")
        field = driver.find_element(By.CSS_SELECTOR, '#run-form input[name="n"]')
        field.clear()
        field.send_keys("90")
        driver.find_element(By.ID, "run-button").click()
        expected = api.call("POST", "/api/v1/deployments/fibo/run", json.dumps({"inputs": {"n": 90}}).encode())
        if not isinstance(expected["result"], int) or expected["result"] <= 2**53:
            raise Failure(f"fibo(90) through the API gave {expected['result']!r}, not an integer beyond 2^53")
        shown = wait_for("fibo(90) on the page", lambda: (lambda text: text if text != "6765" else None)(
            driver.find_element(By.ID, "run-value").text), timeout=30)
        if shown != str(expected["result"]):
            raise Failure(f"the page shows fibo(90) as {shown}, the API gives {expected['result']}")
        print(f"   fibo(90) = {shown}")

        print("== the packages, a package and the event log")
        driver.get(args.base + "/#/packages")
        wait_for("the packages table", lambda: len(driver.find_elements(By.CSS_SELECTOR, "#packages tbody tr")) > 2)
        shoot(driver, shots, "packages")
        driver.get(args.base + "/#/packages/fibo")
        wait_for("fibo's versions", lambda: driver.find_elements(By.CSS_SELECTOR, "section.version"))
        shoot(driver, shots, "package")
        driver.get(args.base + "/#/events")
        wait_for("the event log", lambda: len(driver.find_elements(By.CSS_SELECTOR, "#events tbody tr")) > 5)
        before = len(driver.find_elements(By.CSS_SELECTOR, '#events tbody tr[data-kind="deployment.applied"]'))
        with open(os.path.join(args.manifests, "fibo.yaml"), "rb") as manifest:
            text = manifest.read().replace(b"name: fibo\n", b"name: fibo-again\n", 1)
        api.call("POST", "/api/v1/deployments", text, "application/yaml")
        wait_for("a new deployment.applied event on the event log, live", lambda: len(
            driver.find_elements(By.CSS_SELECTOR, '#events tbody tr[data-kind="deployment.applied"]')) > before, timeout=3)
        shoot(driver, shots, "events")

        print("== a phone-sized viewport")
        driver.set_window_size(*PHONE)
        for page, ready in [("fleet", "#fleet tbody tr"), ("deployment/lobby-camera", "svg.graph g.step")]:
            driver.get(args.base + "/#/" + page)
            wait_for(f"{page} on a phone", lambda: driver.find_elements(By.CSS_SELECTOR, ready))
            time.sleep(0.3)
            overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 1:
                raise Failure(f"{page} is {overflow} px wider than a {PHONE[0]} px phone screen")
            if not driver.find_element(By.ID, "nav").is_displayed():
                raise Failure("the navigation is hidden on a phone")
            driver.set_window_size(*PHONE)
            shoot(driver, shots, "phone-" + page.split("/")[0])
            driver.set_window_size(*PHONE)
        driver.set_window_size(*DESKTOP)

        print("== a refused token leads back to the login page with the server's message")
        driver.execute_script("sessionStorage.setItem('tide.operatorToken', 'tide_revoked')")
        driver.get(args.base + "/#/events")
        wait_for("the login page with the server's message", lambda: "not valid" in driver.find_element(By.ID, "login-message").text)

        print("== no browser errors, no token in any URL")
        for which in [driver, watcher]:
            errors = browser_errors(which)
            if errors:
                raise Failure("the browser reported errors:\n" + "\n".join(errors))
            urls = which.execute_script("return performance.getEntriesByType('resource').map(e => e.name).concat([location.href])")
            leaked = [url for url in urls if token in url]
            if leaked:
                raise Failure(f"the token appears in a URL: {leaked[0][:60]}...")
            outside = [url for url in urls if not url.startswith(args.base)]
            if outside:
                raise Failure(f"the page fetched from elsewhere: {outside}")
        print("browser test: 1 passed, 0 failed")
    finally:
        driver.quit()
        if watcher:
            watcher.quit()


def bench(args):
    token = open(os.path.join(args.data_dir, "operator.token"), encoding="utf-8").read().strip()
    driver = browser()
    try:
        login(driver, args.base, token)
        wait_for(f"{args.devices} devices", lambda: driver.find_element(By.ID, "fleet").get_attribute("data-count") == str(args.devices), timeout=60)
        loads = []
        for _ in range(args.loads):
            driver.get("about:blank")
            driver.get(args.base + "/#/fleet")
            wait_for(f"{args.devices} devices", lambda: driver.find_element(By.ID, "fleet").get_attribute("data-count") == str(args.devices), timeout=60)
            timing = driver.execute_script("""
                const mark = performance.getEntriesByName('tide:fleet-rendered')[0];
                const nav = performance.getEntriesByType('navigation')[0];
                const list = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/api/v1/devices'));
                return {rendered: mark.startTime, domContentLoaded: nav.domContentLoadedEventEnd,
                        listStart: list.startTime, listEnd: list.responseEnd, listBytes: list.encodedBodySize,
                        rows: document.querySelectorAll('#fleet tbody tr').length};
            """)
            if timing["rows"] != args.devices:
                raise Failure(f"the fleet table has {timing['rows']} rows, expected {args.devices}")
            loads.append(timing)
        measured = loads[1:] if len(loads) > 1 else loads
        rendered = sorted(load["rendered"] for load in measured)
        version = driver.capabilities.get("browserVersion", "")
        report = {
            "benchmark": "dashboard-first-load",
            "devices": args.devices,
            "loads": len(measured),
            "warmUpLoads": len(loads) - len(measured),
            "browser": "Chromium " + version + " headless",
            "tide": args.tide,
            "renderedMedianMilliseconds": round(statistics.median(rendered), 1),
            "renderedMinMilliseconds": round(rendered[0], 1),
            "renderedMaxMilliseconds": round(rendered[-1], 1),
            "domContentLoadedMedianMilliseconds": round(statistics.median(load["domContentLoaded"] for load in measured), 1),
            "deviceListRequestStartedMedianMilliseconds": round(statistics.median(load["listStart"] for load in measured), 1),
            "deviceListReceivedMedianMilliseconds": round(statistics.median(load["listEnd"] for load in measured), 1),
            "deviceListBytes": measured[-1]["listBytes"],
            "buildTableMedianMilliseconds": round(statistics.median(load["rendered"] - load["listEnd"] for load in measured), 1),
            "perLoad": [{key: round(value, 1) if isinstance(value, float) else value for key, value in load.items()} for load in loads],
            "goals": {"firstLoadUnder1s": rendered[-1] < 1000},
        }
        print(json.dumps(report, indent=2))
    finally:
        driver.quit()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    fleet = sub.add_parser("fleet")
    fleet.add_argument("--base", required=True)
    fleet.add_argument("--data-dir", required=True)
    fleet.add_argument("--banner", required=True)
    fleet.add_argument("--manifests", required=True)
    fleet.add_argument("--screenshots", required=True)
    measure = sub.add_parser("bench")
    measure.add_argument("--base", required=True)
    measure.add_argument("--data-dir", required=True)
    measure.add_argument("--devices", type=int, default=1000)
    measure.add_argument("--loads", type=int, default=7)
    measure.add_argument("--tide", default="")
    args = parser.parse_args()
    try:
        fleet_test(args) if args.command == "fleet" else bench(args)
    except Failure as failure:
        print(f"browser test: FAILED: {failure}", file=sys.stderr)
        print("browser test: 0 passed, 1 failed")
        sys.exit(1)


if __name__ == "__main__":
    main()
