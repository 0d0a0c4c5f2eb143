"""The web UI driven in a real browser: Debian's Chromium (`make browser` installs it; never a browser
Playwright downloads), headless, through Playwright's sync API, against the real service
(`clearance serve` in a subprocess on a free localhost port, a temporary CLEARANCE_HOME, the built-in
data alone).

One analyst's day: sign in, screen through the API, find the alerts in the queue, dispose a case as a
true match, have the approval of one's own disposition refused (four eyes), a second analyst approves
it and the case closes, an alert of another case is allowlisted, and the audit log says its chain is
intact. Screenshots of each step go to tests/artifacts/ui/ (not kept in git). Every request the page
makes must go to the service itself: nothing is fetched from anywhere else.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from clearance.faces.service.auth import KeyStore, Role

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "ui"
READY_SECONDS = 180


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Service:
    """`clearance serve` on a port of its own, with its home and two analysts' keys."""

    def __init__(self, home: Path) -> None:
        self.home = home
        keys = KeyStore.under(home)
        self.ana = keys.create(Role.ANALYST, "ana")[1]
        self.bob = keys.create(Role.ANALYST, "bob")[1]
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "CLEARANCE_HOME": str(home),
            "CLEARANCE_ON_STALE": "warn",
            "CLEARANCE_RATE_LIMIT": "0",
        }
        clearance = Path(sys.executable).with_name("clearance")
        self.log = (home / "serve.log").open("w")
        self.process = subprocess.Popen(
            [str(clearance), "serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", "1"],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"clearance serve exited {self.process.returncode}: {self.logged()}")
            try:
                if httpx.get(f"{self.base}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        pytest.fail(f"clearance serve was not ready after {READY_SECONDS} s: {self.logged()}")

    def logged(self) -> str:
        self.log.flush()
        return (self.home / "serve.log").read_text(encoding="utf-8", errors="replace")[-3000:]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    running = Service(tmp_path_factory.mktemp("ui-browser") / "home")
    try:
        running.wait_ready()
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (it installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


def test_an_analysts_day(service: Service, browser: object) -> None:
    from playwright.sync_api import Browser, Page, expect

    assert isinstance(browser, Browser)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page: Page = context.new_page()
    elsewhere: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(service.base) else elsewhere.append(r.url))
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    def shot(name: str) -> None:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def sign_in(key: str, user: str) -> None:
        page.goto(f"{service.base}/ui/")
        expect(page).to_have_url(f"{service.base}/ui/login?next=%2Fui%2F")
        page.get_by_label("API key").fill(key)
        page.get_by_role("button", name="Sign in").click()
        expect(page.locator("#user")).to_contain_text(user)

    # 1. sign-in: a wrong key first, then ana's
    page.goto(f"{service.base}/ui/")
    page.get_by_label("API key").fill("clr_not-a-key")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#error")).to_contain_text("not known")
    shot("01-login-refused")
    sign_in(service.ana, "ana")
    expect(page.locator("main")).to_contain_text("No case is open")

    # 2. screening through the API opens cases; the queue shows them
    queries = {
        "t1": {"name": "Tencent Holdings", "as_of": "2021-03-01"},
        "s1": {
            "name": "Semiconductor Manufacturing International Corp",
            "as_of": "2022-03-01",
            "activity": "securities",
        },
    }
    answer = httpx.post(
        f"{service.base}/screen",
        json={"queries": queries},
        headers={"Authorization": f"Bearer {service.ana}"},
        timeout=60,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["results"]["s1"]["decision"] == "block"
    page.reload()
    rows = page.locator("#queue tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("#queue")).to_contain_text("Tencent Holdings")
    expect(page.locator("#queue")).to_contain_text("Semiconductor Manufacturing International Corp")
    shot("02-queue")
    page.get_by_label("Decision").select_option("block")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Semiconductor Manufacturing")
    page.goto(f"{service.base}/ui/")

    # 3. the Tencent case explained: names side by side, measures, the path as a graph
    page.get_by_role("link", name="Tencent Holdings").click()
    expect(page.locator("h1")).to_contain_text("Tencent Holdings")
    expect(page.locator(".matched-name mark")).to_have_text("Limited")
    expect(page.locator(".measures")).to_contain_text("EO 13971")
    expect(page.locator(".timeline").first).to_contain_text("signed")
    expect(page.locator("svg.path .node").first).to_be_visible()
    expect(page.locator("svg.path")).to_contain_text("Tencent QQ")
    shot("03-case")

    # 4. ana disposes it as a true match: it waits for a second analyst
    page.get_by_label("true match").check()
    page.locator("#dispose-reason").fill("Same company: Tencent Holdings Limited, Shenzhen")
    page.get_by_role("button", name="Record disposition").click()
    expect(page.locator(".notice")).to_have_text("Disposition recorded.")
    expect(page.locator("#case-status")).to_contain_text("awaiting approval")
    case_url = page.url.split("?", 1)[0]

    # 5. ana's own approval is refused, on the page
    page.get_by_role("button", name="Approve and close").click()
    expect(page.locator("#error")).to_contain_text("another analyst must approve")
    expect(page.locator("#case-status")).to_contain_text("awaiting approval")
    shot("04-four-eyes-refused")

    # 6. bob signs in and approves: the case is closed
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator(".notice")).to_have_text("Signed out.")
    sign_in(service.bob, "bob")
    page.goto(case_url)
    page.locator("#approve-reason").fill("Agreed")
    page.get_by_role("button", name="Approve and close").click()
    expect(page.locator(".notice")).to_have_text("Approved: the case is closed.")
    expect(page.locator("#case-status")).to_contain_text("closed")
    expect(page.locator("#trail")).to_contain_text("case approved")
    shot("05-approved")

    # 7. bob allowlists an alert of the other case
    page.goto(f"{service.base}/ui/")
    expect(rows).to_have_count(1)
    page.get_by_role("link", name="Semiconductor Manufacturing International Corp").click()
    alert = page.locator("section.alert", has_text="org-smic-beijing")
    alert.locator("summary").click()
    expires = (datetime.now(UTC).date() + timedelta(days=90)).isoformat()
    alert.get_by_label("Reason").fill("Our customer is the Shanghai parent, not the Beijing subsidiary")
    alert.get_by_label("Expires").fill(expires)
    alert.get_by_role("button", name="Add to allowlist").click()
    expect(page.locator(".notice")).to_have_text("Allowlist entry added.")
    alert = page.locator("section.alert", has_text="org-smic-beijing")
    expect(alert.locator(".allowlisted")).to_contain_text(f"by bob, until {expires}")
    shot("06-allowlisted")

    # 8. the audit log: every step recorded, the chain intact
    page.get_by_role("link", name="Audit log").click()
    expect(page.locator("#verdict")).to_contain_text("Chain intact")
    log = page.locator("#audit")
    for action in ("login", "decision", "case disposed", "case approved", "allowlist added", "logout"):
        expect(log).to_contain_text(action)
    shot("07-audit")

    context.close()
    assert elsewhere == [], f"the UI fetched from elsewhere: {elsewhere}"
    assert dialogs == [], f"the page raised dialogs: {dialogs}"
