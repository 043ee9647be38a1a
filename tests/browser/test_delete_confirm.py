"""Deleting an incident in a real browser: confirm, cancel, delete, finding reopened.

It reuses the server and browser fixtures of the questionnaire flow: a
server of its own on 127.0.0.1 with the demo data, and Debian's chromium.
"""

import pytest
from playwright.sync_api import Page

from tests.browser.test_questionnaire_flow import (
    CHROMIUM,
    log_in,
    page,
    server,
)

__all__ = ["page", "server"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's chromium is missing at /usr/bin/chromium; "
        "install it with apt-get install chromium",
    ),
]


def test_incident_deleted_after_confirmation(page: Page) -> None:
    log_in(page)
    page.click('a[href="/c/demo/"]')
    page.wait_for_url("**/c/demo/")

    # Record a finding of the demo's access log as an incident.
    page.goto("/c/demo/accesslog/findings/?status=open")
    page.locator('[data-testid="findings"] tbody a').first.click()
    page.wait_for_url("**/accesslog/findings/*/")
    finding_page = page.url
    page.click('[data-testid="finding-to-incident"] button')
    page.wait_for_url("**/registers/incidents/*/")
    incident_page = page.url
    title = page.inner_text("h1")

    # "Delete" opens the confirmation page, which deletes nothing by itself.
    page.click('[data-testid="delete-link"]')
    page.wait_for_url("**/registers/incidents/*/delete/")
    assert page.inner_text("h1") == f"Delete “{title}”?"
    effects = page.inner_text('[data-testid="delete-effects"]')
    assert "It was recorded from the misuse finding" in effects
    assert "sets that finding back to open" in effects
    page.click('[data-testid="delete-form"] a')
    page.wait_for_url(incident_page)
    assert page.inner_text("h1") == title

    # Confirming deletes the incident.
    page.click('[data-testid="delete-link"]')
    page.wait_for_url("**/delete/")
    page.click('[data-testid="delete-form"] button[type=submit]')
    page.wait_for_url("**/registers/incidents/")
    assert f"“{title}” deleted." in page.inner_text("ul.messages")
    assert title not in page.inner_text("main table")

    # The finding is open again and offers the incident button once more.
    page.goto(finding_page)
    assert page.inner_text('[data-testid="finding-status"]').startswith("open")
    finding = page.inner_text('[data-testid="finding"]')
    # The note is in the demo centre's language, Dutch.
    assert "is verwijderd. De bevinding is opnieuw open." in finding
    assert page.locator('[data-testid="finding-to-incident"] button').count() == 1
