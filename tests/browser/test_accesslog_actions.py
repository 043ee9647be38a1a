"""The access-log page in a real browser: verify now, then export for an auditor.

It reuses the server and browser fixtures of the questionnaire flow: a
server of its own on 127.0.0.1 with the demo data, and Debian's chromium.
The downloaded bundle is checked with vigil-verify against the verifier key
that the same page offers.
"""

import datetime
import json
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from tests.browser.test_questionnaire_flow import CHROMIUM, log_in, page, server
from vigil.accesslog.verify_cli import main as verify_main

__all__ = ["page", "server"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's chromium is missing at /usr/bin/chromium; "
        "install it with apt-get install chromium",
    ),
]

STATUS_PAGE = "/c/demo/accesslog/"


def test_verify_and_export(
    page: Page, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log_in(page)
    page.click('a[href="/c/demo/"]')
    page.wait_for_url("**/c/demo/")
    page.goto(STATUS_PAGE)

    # Verify now: the run is stored and the page shows it.
    page.click('[data-testid="verify-form"] button[type=submit]')
    page.wait_for_url(f"**{STATUS_PAGE}")
    message = page.inner_text("ul.messages li.success")
    assert message.startswith("The log is intact: entries verified: ")
    assert "consistent" in page.inner_text('[data-testid="verification"]')

    # Export the demo log's three weeks and check the bundle as an auditor.
    today = timezone.localdate()
    since = (today - datetime.timedelta(days=30)).isoformat()
    until = today.isoformat()
    page.fill("#id_since", since)
    page.fill("#id_until", until)
    with page.expect_download() as download_info:
        page.click('[data-testid="export-form"] button[type=submit]')
    download = download_info.value
    assert download.suggested_filename == f"accesslog-demo-bundle-{since}-{until}.json"
    bundle_path = tmp_path / "bundle.json"
    download.save_as(bundle_path)
    bundle = json.loads(bundle_path.read_text(encoding="utf-8"))
    assert len(bundle["entries"]) > 100

    key = page.request.get(f"{STATUS_PAGE}vkey/").text().strip()
    assert verify_main([str(bundle_path), "--key", key]) == 0
    output = capsys.readouterr().out
    entries = len(bundle["entries"])
    assert f"OK: {entries} entries are in the tree of size " in output
    assert "OK: the manifest signed by " in output
