"""The demo access log: entries from the ingestion, identities and findings."""

import datetime
import random
from pathlib import Path

import pytest

from vigil.accesslog import demo
from vigil.accesslog.detection.models import Finding, Rule
from vigil.accesslog.models import AccessEntry, IdentityPeriod, LogCheckpoint
from vigil.accesslog.national_numbers import synthetic_national_numbers
from vigil.accesslog.verification import verify_log
from vigil.organisations.models import Organisation

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 20)


def test_demo_log_has_entries_and_checkpoints(centre_a: Organisation) -> None:
    demo.populate(centre_a, None, TODAY)

    entries = AccessEntry.objects.filter(organisation=centre_a)
    assert entries.count() > 500
    assert LogCheckpoint.objects.filter(organisation=centre_a).exists()
    assert IdentityPeriod.objects.filter(organisation=centre_a).count() == len(
        demo.STAFF
    )
    latest = entries.order_by("-time").first()
    assert latest is not None
    assert latest.time.date() < TODAY
    assert verify_log(centre_a).ok


def test_demo_log_gives_each_finding_kind(centre_a: Organisation) -> None:
    demo.populate(centre_a, None, TODAY)

    rules = set(
        Finding.objects.filter(organisation=centre_a).values_list("rule", flat=True)
    )
    assert rules == {Rule.OUTSIDE_HOURS, Rule.DAILY_VOLUME, Rule.WATCH_LIST}


def test_demo_log_filled_once(centre_a: Organisation) -> None:
    demo.populate(centre_a, None, TODAY)
    entries = AccessEntry.objects.filter(organisation=centre_a).count()
    findings = Finding.objects.filter(organisation=centre_a).count()

    demo.populate(centre_a, None, TODAY)

    assert AccessEntry.objects.filter(organisation=centre_a).count() == entries
    assert Finding.objects.filter(organisation=centre_a).count() == findings


def test_readme_names_the_watched_subject() -> None:
    # The demo centre's slug seeds its data, so its watched subject is fixed.
    generator = random.Random("demo")  # noqa: S311
    number = synthetic_national_numbers(demo.SUBJECTS, generator)[0]
    formatted = f"{number[:2]}.{number[2:4]}.{number[4:6]}-{number[6:9]}.{number[9:]}"
    readme = Path(__file__).resolve().parents[2] / "README.md"
    assert formatted in readme.read_text(encoding="utf-8")
