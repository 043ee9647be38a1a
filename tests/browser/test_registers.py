"""Every register in a real browser: fill one entry through its form.

The demo server and chromium come from the questionnaire flow's fixtures.
Each form is filled by the type of its inputs, with a few values per
register where a generic value would break one of its rules.
"""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Locator, Page

from tests.browser.test_questionnaire_flow import (  # noqa: F401 (fixtures)
    CHROMIUM,
    log_in,
    page,
    server,
)
from vigil.registers.spec import REGISTERS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is missing"),
]

SUBJECT = "Browser entry"
# A value that picks the first record offered in a choice list.
FIRST = ""
# Values a register's rules need beside the required fields' generic ones;
# by register slug, then field name.
VALUES: dict[str, dict[str, str]] = {
    "assets": {"name": SUBJECT},
    "audit-findings": {"norm_code": "4.4.2"},
    "audits": {"reference": "AUD-2026-09"},
    "cards": {"last_digits": "1234"},
    "consultants": {"role": "deputy"},
    "critical-processes": {"recovery_order": "9"},
    "risks": {"decision": "reduce", "threat": SUBJECT, "process": FIRST},
    "security-budget": {"year": "2030"},
    "security-spending": {"year": "2026"},
}
# The demo's plans are approved and frozen; the plan's own browser test adds
# an action the way a user does, through a new version of the plan.
SKIPPED = {"plan-actions"}


def fill(field: Locator, value: str | None) -> None:
    tag = field.evaluate("element => element.tagName.toLowerCase()")
    kind = (field.get_attribute("type") or "").lower()
    if tag == "select":
        if value:
            field.select_option(value)
            return
        options = [
            option
            for option in field.locator("option").all()
            if option.get_attribute("value")
        ]
        if options and field.get_attribute("multiple") is None:
            field.select_option(options[0].get_attribute("value") or "")
        return
    if kind == "checkbox":
        if value in (None, "true"):
            field.check()
        return
    if value is not None:
        field.fill(value)
    elif kind == "date":
        field.fill("2026-03-02")
    elif kind == "datetime-local":
        field.fill("2026-03-02T10:30")
    elif kind == "number":
        field.fill("2")
    elif kind == "email":
        field.fill("an.peeters@demo.vigil.test")
    elif tag == "textarea" or kind in ("", "text"):
        field.fill(SUBJECT)


@pytest.fixture
def signed_in(page: Page) -> Iterator[Page]:  # noqa: F811 (fixture)
    log_in(page)
    yield page


@pytest.mark.parametrize("slug", sorted(REGISTERS))
def test_fill_one_entry(signed_in: Page, slug: str) -> None:
    if slug in SKIPPED:
        pytest.skip(f"{slug} is filled in by its own browser test")
    browser = signed_in
    browser.goto(f"/c/demo/registers/{slug}/new/")
    form = browser.locator('[data-testid="record-form"]')
    values = VALUES.get(slug, {})
    for field in form.locator("input:not([type=hidden]), select, textarea").all():
        name = field.get_attribute("name") or ""
        if name == "csrfmiddlewaretoken":
            continue
        if name in values or field.get_attribute("required") is not None:
            fill(field, values.get(name))

    form.locator("button[type=submit]").click()
    browser.wait_for_load_state()

    errors = browser.locator(".errorlist").all_inner_texts()
    assert errors == [], f"{slug}: {errors}"
    assert browser.url.rstrip("/").split("/")[-1].isdigit(), browser.url
    history = browser.locator('[data-testid="record-history"]').inner_text()
    assert "consultant@demo.vigil.test" in history
