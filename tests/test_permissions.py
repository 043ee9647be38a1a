"""Permission matrix: every URL of the project for every persona, both centres.

Each URL has a block of rows ``(method, target, statuses)``. The target names
the URL requested. ``OWN`` is centre A with A's records and ``OTHER`` is
centre B with B's records. ``CROSS`` is centre A's URL carrying the id of a
record of centre B, and ``NONE`` is a URL outside any centre.

The statuses follow the persona columns of the table. cons, dep, mgmt, view
and aud are centre A's consultant, deputy, management, viewer and an auditor
whose end date is in the future, and audx is an auditor of A whose end date
has passed. sup is a supervisor, member of the supervisor organisation only,
othr the consultant of centre B and anon a visitor who is not logged in.

200, 302 or 303 means allowed, 401 an API request without a valid token, 403
a member whose role lacks the capability, 404 no active membership or another
centre's record, 405 a method the view does not accept, and LOGIN a redirect
to the login page.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import LazySettings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation

from tests import permission_blocks
from tests.accesslog.factories import event, national_number
from tests.conftest import (
    PASSWORD,
    answer_everything,
    make_person,
    option,
)
from tests.conftest import make_centre as make_organisation
from vigil.accesslog.detection.lists import add_watched_subject
from vigil.accesslog.detection.models import Finding, WatchedSubject
from vigil.accesslog.detection.services import run_detection
from vigil.accesslog.identities import add_identity_period
from vigil.accesslog.ingestion import ingest_events
from vigil.accesslog.models import ApiToken, IdentityPeriod
from vigil.accesslog.tokens import create_token
from vigil.accounts.models import Membership, User
from vigil.accounts.roles import Capability, Role
from vigil.assessments.models import Answer, Assessment, Evidence
from vigil.assessments.services import add_evidence, create_assessment
from vigil.catalog.loader import load_catalog_file, shipped_catalog_paths
from vigil.catalog.models import CatalogVersion
from vigil.organisations.models import Organisation
from vigil.reports.exporters import get_exporter
from vigil.reports.questionnaire import build_document

pytestmark = pytest.mark.usefixtures("fast_password_hasher")
FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"

GET, POST = "GET", "POST"
NONE, OWN, OTHER, CROSS = "none", "own", "other", "cross"
LOGIN = "login"

PERSONAS = (
    "consultant_a",
    "deputy_a",
    "management_a",
    "viewer_a",
    "auditor_a",
    "expired_auditor_a",
    "supervisor",
    "consultant_b",
    None,
)

Statuses = tuple[int | str, ...]
Row = tuple[str, str, Statuses]

# fmt: off
MATRIX: dict[str, list[Row]] = {
    #                  cons  dep   mgmt  view  aud   audx  sup   othr  anon
    "accounts:login": [
        (GET, NONE,   (302,  302,  302,  302,  302,  302,  302,  302,  200)),
        (POST, NONE,  (302,  302,  302,  302,  302,  302,  302,  302,  200)),
    ],
    "accounts:logout": [
        (GET, NONE,   (405,  405,  405,  405,  405,  405,  405,  405,  405)),
        (POST, NONE,  (302,  302,  302,  302,  302,  302,  302,  302,  302)),
    ],
    "set_language": [
        (GET, NONE,   (302,  302,  302,  302,  302,  302,  302,  302,  302)),
        (POST, NONE,  (302,  302,  302,  302,  302,  302,  302,  302,  302)),
    ],
    "organisations:choose": [
        (GET, NONE,   (302,  302,  302,  302,  302,  200,  302,  302,  LOGIN)),
    ],
    "assessments:dashboard": [
        (GET, OWN,    (200,  200,  200,  200,  200,  404,  404,  404,  LOGIN)),
        (GET, OTHER,  (404,  404,  404,  404,  404,  404,  404,  200,  LOGIN)),
    ],
    "assessments:start": [
        (GET, OWN,    (405,  405,  405,  405,  405,  405,  405,  405,  405)),
        (POST, OWN,   (302,  302,  403,  403,  403,  404,  404,  404,  LOGIN)),
        (GET, OTHER,  (405,  405,  405,  405,  405,  405,  405,  405,  405)),
        (POST, OTHER, (404,  404,  404,  404,  404,  404,  404,  302,  LOGIN)),
    ],
    "assessments:questionnaire": [
        (GET, OWN,    (200,  200,  200,  200,  200,  404,  404,  404,  LOGIN)),
        (GET, OTHER,  (404,  404,  404,  404,  404,  404,  404,  200,  LOGIN)),
    ],
    "assessments:norm": [
        (GET, OWN,    (200,  200,  200,  200,  200,  404,  404,  404,  LOGIN)),
        (POST, OWN,   (302,  302,  403,  403,  403,  404,  404,  404,  LOGIN)),
        (GET, OTHER,  (404,  404,  404,  404,  404,  404,  404,  200,  LOGIN)),
        (POST, OTHER, (404,  404,  404,  404,  404,  404,  404,  302,  LOGIN)),
    ],
    "assessments:evidence_upload": [
        (GET, OWN,    (405,  405,  405,  405,  405,  405,  405,  405,  405)),
        (POST, OWN,   (302,  302,  403,  403,  403,  404,  404,  404,  LOGIN)),
        (GET, OTHER,  (405,  405,  405,  405,  405,  405,  405,  405,  405)),
        (POST, OTHER, (404,  404,  404,  404,  404,  404,  404,  302,  LOGIN)),
    ],
    "assessments:evidence_download": [
        (GET, OWN,    (200,  200,  200,  200,  200,  404,  404,  404,  LOGIN)),
        (GET, OTHER,  (404,  404,  404,  404,  404,  404,  404,  200,  LOGIN)),
        (GET, CROSS,  (404,  404,  404,  404,  404,  404,  404,  404,  LOGIN)),
    ],
    "assessments:evidence_delete": [
        (GET, OWN,    (405,  405,  405,  405,  405,  405,  405,  405,  405)),
        (POST, OWN,   (302,  302,  403,  403,  403,  404,  404,  404,  LOGIN)),
        (GET, OTHER,  (405,  405,  405,  405,  405,  405,  405,  405,  405)),
        (POST, OTHER, (404,  404,  404,  404,  404,  404,  404,  302,  LOGIN)),
        (POST, CROSS, (404,  404,  403,  403,  403,  404,  404,  404,  LOGIN)),
    ],
    "assessments:submit": [
        (GET, OWN,    (200,  200,  200,  200,  200,  404,  404,  404,  LOGIN)),
        (POST, OWN,   (302,  302,  403,  403,  403,  404,  404,  404,  LOGIN)),
        (GET, OTHER,  (404,  404,  404,  404,  404,  404,  404,  200,  LOGIN)),
        (POST, OTHER, (404,  404,  404,  404,  404,  404,  404,  302,  LOGIN)),
    ],
    "assessments:reopen": [
        (GET, OWN,    (405,  405,  405,  405,  405,  405,  405,  405,  405)),
        (POST, OWN,   (302,  302,  302,  403,  403,  404,  404,  404,  LOGIN)),
        (GET, OTHER,  (405,  405,  405,  405,  405,  405,  405,  405,  405)),
        (POST, OTHER, (404,  404,  404,  404,  404,  404,  404,  302,  LOGIN)),
    ],
    "assessments:diff": [
        (GET, OWN,    (200,  200,  200,  200,  200,  404,  404,  404,  LOGIN)),
        (GET, OTHER,  (404,  404,  404,  404,  404,  404,  404,  200,  LOGIN)),
    ],
    "assessments:import": [
        (GET, OWN,    (200,  200,  403,  403,  403,  404,  404,  404,  LOGIN)),
        (POST, OWN,   (302,  302,  403,  403,  403,  404,  404,  404,  LOGIN)),
        (GET, OTHER,  (404,  404,  404,  404,  404,  404,  404,  200,  LOGIN)),
        (POST, OTHER, (404,  404,  404,  404,  404,  404,  404,  302,  LOGIN)),
    ],
    "reports:assessment_export": [
        (GET, OWN,    (200,  200,  200,  200,  200,  404,  404,  404,  LOGIN)),
        (GET, OTHER,  (404,  404,  404,  404,  404,  404,  404,  200,  LOGIN)),
    ],
    "audit:trail": [
        (GET, OWN,    (200,  200,  200,  403,  403,  404,  404,  404,  LOGIN)),
        (GET, OTHER,  (404,  404,  404,  404,  404,  404,  404,  200,  LOGIN)),
    ],
    "accesslog:status": [
        (GET, OWN,    (200,  200,  200,  403,  200,  404,  404,  404,  LOGIN)),
        (GET, OTHER,  (404,  404,  404,  404,  404,  404,  404,  200,  LOGIN)),
    ],
    "accesslog:vkey": [
        (GET, OWN,    (200,  200,  200,  403,  200,  404,  404,  404,  LOGIN)),
        (GET, OTHER,  (404,  404,  404,  404,  404,  404,  404,  200,  LOGIN)),
    ],
    "accesslog:checkpoint": [
        (GET, OWN,    (200,  200,  200,  403,  200,  404,  404,  404,  LOGIN)),
        (GET, OTHER,  (404,  404,  404,  404,  404,  404,  404,  200,  LOGIN)),
    ],
    "accesslog:verify": [
        (GET, OWN,    (405,  405,  405,  405,  405,  405,  405,  405,  405)),
        (POST, OWN,   (302,  302,  403,  403,  403,  404,  404,  404,  LOGIN)),
        (GET, OTHER,  (405,  405,  405,  405,  405,  405,  405,  405,  405)),
        (POST, OTHER, (404,  404,  404,  404,  404,  404,  404,  302,  LOGIN)),
    ],
    "accesslog:bundle": [
        (GET, OWN,    (405,  405,  405,  405,  405,  405,  405,  405,  405)),
        (POST, OWN,   (200,  200,  403,  403,  403,  404,  404,  404,  LOGIN)),
        (GET, OTHER,  (405,  405,  405,  405,  405,  405,  405,  405,  405)),
        (POST, OTHER, (404,  404,  404,  404,  404,  404,  404,  200,  LOGIN)),
    ],
    "accesslog:search": [
        (GET, OWN,    (200,  200,  200,  403,  200,  404,  404,  404,  LOGIN)),
        (POST, OWN,   (303,  303,  303,  403,  303,  404,  404,  404,  LOGIN)),
        (GET, OTHER,  (404,  404,  404,  404,  404,  404,  404,  200,  LOGIN)),
        (POST, OTHER, (404,  404,  404,  404,  404,  404,  404,  303,  LOGIN)),
    ],
    "accesslog:export": [
        (GET, OWN,    (200,  200,  200,  403,  200,  404,  404,  404,  LOGIN)),
        (GET, OTHER,  (404,  404,  404,  404,  404,  404,  404,  200,  LOGIN)),
    ],
    "accesslog:export_excel": [
        (GET, OWN,    (200,  200,  200,  403,  200,  404,  404,  404,  LOGIN)),
        (GET, OTHER,  (404,  404,  404,  404,  404,  404,  404,  200,  LOGIN)),
    ],
    "accesslog:proof": [
        (GET, OWN,    (200,  200,  200,  403,  200,  404,  404,  404,  LOGIN)),
        (GET, OTHER,  (404,  404,  404,  404,  404,  404,  404,  200,  LOGIN)),
    ],
    "accesslog:identities": [
        (GET, OWN,    (200,  200,  200,  403,  200,  404,  404,  404,  LOGIN)),
        (GET, OTHER,  (404,  404,  404,  404,  404,  404,  404,  200,  LOGIN)),
    ],
    "accesslog:identity_add": [
        (GET, OWN,    (405,  405,  405,  405,  405,  405,  405,  405,  405)),
        (POST, OWN,   (302,  302,  403,  403,  403,  404,  404,  404,  LOGIN)),
        (GET, OTHER,  (405,  405,  405,  405,  405,  405,  405,  405,  405)),
        (POST, OTHER, (404,  404,  404,  404,  404,  404,  404,  302,  LOGIN)),
    ],
    "accesslog:identity_end": [
        (GET, OWN,    (405,  405,  405,  405,  405,  405,  405,  405,  405)),
        (POST, OWN,   (302,  302,  403,  403,  403,  404,  404,  404,  LOGIN)),
        (GET, OTHER,  (405,  405,  405,  405,  405,  405,  405,  405,  405)),
        (POST, OTHER, (404,  404,  404,  404,  404,  404,  404,  302,  LOGIN)),
        (POST, CROSS, (404,  404,  403,  403,  403,  404,  404,  404,  LOGIN)),
    ],
    "accesslog:tokens": [
        (GET, OWN,    (200,  200,  403,  403,  403,  404,  404,  404,  LOGIN)),
        (GET, OTHER,  (404,  404,  404,  404,  404,  404,  404,  200,  LOGIN)),
    ],
    "accesslog:token_create": [
        (GET, OWN,    (405,  405,  405,  405,  405,  405,  405,  405,  405)),
        (POST, OWN,   (303,  303,  403,  403,  403,  404,  404,  404,  LOGIN)),
        (GET, OTHER,  (405,  405,  405,  405,  405,  405,  405,  405,  405)),
        (POST, OTHER, (404,  404,  404,  404,  404,  404,  404,  303,  LOGIN)),
    ],
    "accesslog:token_revoke": [
        (GET, OWN,    (200,  200,  403,  403,  403,  404,  404,  404,  LOGIN)),
        (POST, OWN,   (302,  302,  403,  403,  403,  404,  404,  404,  LOGIN)),
        (GET, OTHER,  (404,  404,  404,  404,  404,  404,  404,  200,  LOGIN)),
        (POST, OTHER, (404,  404,  404,  404,  404,  404,  404,  302,  LOGIN)),
        (GET, CROSS,  (404,  404,  403,  403,  403,  404,  404,  404,  LOGIN)),
        (POST, CROSS, (404,  404,  403,  403,  403,  404,  404,  404,  LOGIN)),
    ],
    "accesslog:findings": [
        (GET, OWN,    (200,  200,  200,  403,  200,  404,  404,  404,  LOGIN)),
        (GET, OTHER,  (404,  404,  404,  404,  404,  404,  404,  200,  LOGIN)),
    ],
    "accesslog:detection_run": [
        (GET, OWN,    (405,  405,  405,  405,  405,  405,  405,  405,  405)),
        (POST, OWN,   (302,  302,  403,  403,  403,  404,  404,  404,  LOGIN)),
        (GET, OTHER,  (405,  405,  405,  405,  405,  405,  405,  405,  405)),
        (POST, OTHER, (404,  404,  404,  404,  404,  404,  404,  302,  LOGIN)),
    ],
    "accesslog:findings_triage": [
        (GET, OWN,    (405,  405,  405,  405,  405,  405,  405,  405,  405)),
        (POST, OWN,   (302,  302,  403,  403,  403,  404,  404,  404,  LOGIN)),
        (GET, OTHER,  (405,  405,  405,  405,  405,  405,  405,  405,  405)),
        (POST, OTHER, (404,  404,  404,  404,  404,  404,  404,  302,  LOGIN)),
        (POST, CROSS, (400,  400,  403,  403,  403,  404,  404,  404,  LOGIN)),
    ],
    "accesslog:finding": [
        (GET, OWN,    (200,  200,  200,  403,  200,  404,  404,  404,  LOGIN)),
        (GET, OTHER,  (404,  404,  404,  404,  404,  404,  404,  200,  LOGIN)),
        (GET, CROSS,  (404,  404,  404,  403,  404,  404,  404,  404,  LOGIN)),
    ],
    "accesslog:finding_triage": [
        (GET, OWN,    (405,  405,  405,  405,  405,  405,  405,  405,  405)),
        (POST, OWN,   (302,  302,  403,  403,  403,  404,  404,  404,  LOGIN)),
        (GET, OTHER,  (405,  405,  405,  405,  405,  405,  405,  405,  405)),
        (POST, OTHER, (404,  404,  404,  404,  404,  404,  404,  302,  LOGIN)),
        (POST, CROSS, (404,  404,  403,  403,  403,  404,  404,  404,  LOGIN)),
    ],
    "accesslog:detection": [
        (GET, OWN,    (200,  200,  200,  403,  200,  404,  404,  404,  LOGIN)),
        (GET, OTHER,  (404,  404,  404,  404,  404,  404,  404,  200,  LOGIN)),
    ],
    "accesslog:detection_settings": [
        (GET, OWN,    (405,  405,  405,  405,  405,  405,  405,  405,  405)),
        (POST, OWN,   (302,  302,  403,  403,  403,  404,  404,  404,  LOGIN)),
        (GET, OTHER,  (405,  405,  405,  405,  405,  405,  405,  405,  405)),
        (POST, OTHER, (404,  404,  404,  404,  404,  404,  404,  302,  LOGIN)),
    ],
    "accesslog:open_cases": [
        (GET, OWN,    (405,  405,  405,  405,  405,  405,  405,  405,  405)),
        (POST, OWN,   (302,  302,  403,  403,  403,  404,  404,  404,  LOGIN)),
        (GET, OTHER,  (405,  405,  405,  405,  405,  405,  405,  405,  405)),
        (POST, OTHER, (404,  404,  404,  404,  404,  404,  404,  302,  LOGIN)),
    ],
    "accesslog:watch": [
        (GET, OWN,    (405,  405,  405,  405,  405,  405,  405,  405,  405)),
        (POST, OWN,   (302,  302,  403,  403,  403,  404,  404,  404,  LOGIN)),
        (GET, OTHER,  (405,  405,  405,  405,  405,  405,  405,  405,  405)),
        (POST, OTHER, (404,  404,  404,  404,  404,  404,  404,  302,  LOGIN)),
    ],
    "accesslog:unwatch": [
        (GET, OWN,    (405,  405,  405,  405,  405,  405,  405,  405,  405)),
        (POST, OWN,   (302,  302,  403,  403,  403,  404,  404,  404,  LOGIN)),
        (GET, OTHER,  (405,  405,  405,  405,  405,  405,  405,  405,  405)),
        (POST, OTHER, (404,  404,  404,  404,  404,  404,  404,  302,  LOGIN)),
        (POST, CROSS, (404,  404,  403,  403,  403,  404,  404,  404,  LOGIN)),
    ],
    "accesslog_api:events": [
        (GET, NONE,   (405,  405,  405,  405,  405,  405,  405,  405,  405)),
        (POST, NONE,  (401,  401,  401,  401,  401,  401,  401,  401,  401)),
    ],
}
# fmt: on

BLOCKS = permission_blocks.blocks()
BLOCK_OF = {name: block for block in BLOCKS for name in block.MATRIX}
for _block in BLOCKS:
    MATRIX.update(_block.MATRIX)


def walk(
    patterns: list[Any], namespace: str = "", params: tuple[str, ...] = ()
) -> Iterator[tuple[str, tuple[str, ...], Any]]:
    """Yield the full name, URL parameters and view of every named pattern."""
    for pattern in patterns:
        found = params + tuple(getattr(pattern.pattern, "converters", {}))
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}{pattern.namespace}:"
            yield from walk(pattern.url_patterns, inner, found)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", found, pattern.callback


URLS = {
    name: (params, view) for name, params, view in walk(get_resolver().url_patterns)
}


def cases() -> Iterator[Any]:
    for name, rows in MATRIX.items():
        for method, target, statuses in rows:
            assert len(statuses) == len(PERSONAS), f"{name} {method} {target}"
            for persona, expected in zip(PERSONAS, statuses, strict=True):
                yield pytest.param(
                    name,
                    method,
                    target,
                    persona,
                    expected,
                    id=f"{name}-{method}-{target}-{persona or 'anonymous'}",
                )


def test_matrix_covers_every_url() -> None:
    missing = sorted(set(URLS) - set(MATRIX))
    unknown = sorted(set(MATRIX) - set(URLS))

    assert missing == [], "add a block to MATRIX for each new URL"
    assert unknown == [], "remove the block of each URL that no longer exists"


def test_matrix_asks_every_url_with_get() -> None:
    for name, rows in MATRIX.items():
        assert any(method == GET for method, _target, _statuses in rows), name


def test_centre_views_declare_capability() -> None:
    for name, (params, view) in URLS.items():
        if "org" in params:
            assert getattr(view, "required_capability", None) in Capability, name


@dataclass
class AccessLog:
    """One record of each access-log kind that a URL names by its id."""

    token: ApiToken
    period: IdentityPeriod
    finding: Finding
    watched: WatchedSubject

    def pk_for(self, name: str) -> int | None:
        records: dict[str, Any] = {
            "accesslog:identity_end": self.period,
            "accesslog:token_revoke": self.token,
            "accesslog:finding": self.finding,
            "accesslog:finding_triage": self.finding,
            "accesslog:unwatch": self.watched,
        }
        record = records.get(name)
        return record.pk if record is not None else None


@dataclass
class Centre:
    organisation: Organisation
    assessment: Assessment
    answer: Answer
    evidence: Evidence
    log: AccessLog
    blocks: dict[str, Any]


@dataclass
class World:
    own: Centre
    other: Centre
    catalog: CatalogVersion


def make_centre(organisation: Organisation) -> Centre:
    """Give the centre a complete questionnaire of 2025 with one evidence file."""
    assessment = create_assessment(organisation, 2025, actor=None)
    answer_everything(assessment)
    answer = assessment.answers.select_related("assessment").get(norm__code="4.1")
    evidence = add_evidence(
        answer, SimpleUploadedFile("beleid.pdf", b"%PDF-1.4 beleid"), actor=None
    )
    blocks = {block.__name__: block.setup(organisation) for block in BLOCKS}
    return Centre(
        organisation, assessment, answer, evidence, make_log(organisation), blocks
    )


def make_log(organisation: Organisation) -> AccessLog:
    """Give the centre one night-time access, a token, a period and a watch."""
    night = event(1, time="2026-03-02T03:00:00+01:00")
    ingest_events(organisation, [(1, night)], source="test")
    token, _secret = create_token(organisation, "social file", actor=None)
    zone = ZoneInfo("Europe/Brussels")
    period = add_identity_period(
        organisation,
        "U123456",
        "An Peeters",
        datetime.datetime(2026, 1, 1, tzinfo=zone),
        actor=None,
    )
    watched = add_watched_subject(
        organisation, national_number(500), "colleague", actor=None
    )
    (finding,) = run_detection(
        organisation,
        since=datetime.datetime(2026, 3, 2, tzinfo=zone),
        until=datetime.datetime(2026, 3, 3, tzinfo=zone),
        actor=None,
    )
    return AccessLog(token, period, finding, watched)


@pytest.fixture(scope="module")
def shared_media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("permission-files")


@pytest.fixture(autouse=True)
def _media_root(settings: LazySettings, shared_media: Path) -> None:
    # The evidence files of the shared world must stay findable in every test.
    settings.MEDIA_ROOT = shared_media


@pytest.fixture(scope="module")
def shared(
    django_db_setup: Any, django_db_blocker: Any, shared_media: Path
) -> Iterator[tuple[World, dict[str, User]]]:
    """Build both centres and every persona once for the module's 3,000 cases.

    The records live in a transaction that stays open for the module and is
    rolled back at its end. Each test runs in a savepoint inside it (the
    ``db`` fixture), so what a request changes is undone before the next.
    """
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=[FAST_HASHER], MEDIA_ROOT=shared_media),
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def build_world() -> tuple[World, dict[str, User]]:
    for path in shipped_catalog_paths():
        load_catalog_file(path)
    catalog = CatalogVersion.objects.get(code="ksz-mn-2005")

    centre_a = make_organisation("centre-a", "0999999922")
    centre_b = make_organisation("centre-b", "0999999823")
    supervisor_org = make_organisation("pod-mi", "0999999724", kind="supervisor")

    today = timezone.localdate()
    in_a_month = today + datetime.timedelta(days=30)
    personas = {
        "consultant_a": make_person("consultant@a.test", centre_a, Role.CONSULTANT),
        "deputy_a": make_person("deputy@a.test", centre_a, Role.DEPUTY),
        "management_a": make_person("management@a.test", centre_a, Role.MANAGEMENT),
        "viewer_a": make_person("viewer@a.test", centre_a, Role.VIEWER),
        "auditor_a": make_person(
            "auditor@a.test", centre_a, Role.AUDITOR, until=in_a_month
        ),
        "expired_auditor_a": make_person(
            "expired-auditor@a.test", centre_a, Role.AUDITOR, until=today
        ),
        "supervisor": make_person(
            "supervisor@pod-mi.test", supervisor_org, Role.SUPERVISOR
        ),
        "consultant_b": make_person("consultant@b.test", centre_b, Role.CONSULTANT),
    }
    # Granting rejects a past end date, so the membership runs out afterwards.
    Membership.objects.filter(user=personas["expired_auditor_a"]).update(
        valid_until=today - datetime.timedelta(days=1)
    )

    world = World(make_centre(centre_a), make_centre(centre_b), catalog)
    return world, personas


def url_for(name: str, target: str, world: World) -> str:
    params, _view = URLS[name]
    centre = world.other if target == OTHER else world.own
    record = world.other if target in (OTHER, CROSS) else world.own
    block = BLOCK_OF.get(name)
    if block is not None:
        block_values = block.kwargs(name, record.blocks[block.__name__])
        block_values["org"] = centre.organisation.slug
        return reverse(name, kwargs={param: block_values[param] for param in params})
    values: dict[str, Any] = {
        "org": centre.organisation.slug,
        "year": 2025,
        "code": "4.1",
        "evidence_id": record.evidence.pk,
        "fmt": "pdf",
        "index": 0,
        "pk": record.log.pk_for(name),
    }
    return reverse(name, kwargs={param: values[param] for param in params})


def exported_workbook(assessment: Assessment) -> bytes:
    exporter = get_exporter("xlsx")
    assert exporter is not None
    with translation.override("nl"):
        return exporter.render(build_document(assessment, "nl")).content


def post_data(name: str, target: str, world: World, user: User | None) -> Any:
    centre = world.other if target == OTHER else world.own
    answer = centre.answer
    block = BLOCK_OF.get(name)
    if block is not None:
        return block.post(name, centre.blocks[block.__name__])
    if name == "accounts:login":
        email = user.email if user else "nobody@a.test"
        return {"username": email, "password": PASSWORD}
    if name == "set_language":
        return {"language": "fr", "next": "/"}
    if name == "assessments:start":
        return {"year": 2026}
    if name == "assessments:norm":
        return {
            f"n{answer.pk}-option": option(world.catalog, "partial").pk,
            f"n{answer.pk}-planned_date": "2026-06-30",
        }
    if name == "assessments:evidence_upload":
        return {"file": SimpleUploadedFile("nieuw.pdf", b"%PDF-1.4 nieuw")}
    if name == "assessments:reopen":
        return {"reason": "Correctie van hoofdstuk 4.3"}
    if name == "assessments:import":
        content = exported_workbook(centre.assessment)
        return {"file": SimpleUploadedFile("export.xlsx", content)}
    if name == "accesslog:findings_triage":
        # CROSS posts another centre's finding to the own centre's list.
        record = world.other if target in (OTHER, CROSS) else world.own
        finding = record.log.finding
        return {"findings": [finding.pk], "status": "dismissed", "note": "on call"}
    return ACCESS_LOG_POSTS.get(name, {})


ACCESS_LOG_POSTS: dict[str, dict[str, Any]] = {
    "accesslog:search": {"user_id": "U1"},
    "accesslog:token_create": {"name": "export", "scope": "ingest"},
    "accesslog:identity_add": {
        "user_id": "U2",
        "person_name": "Bert Claes",
        "valid_from": "2026-01-01T00:00",
    },
    "accesslog:identity_end": {"valid_until": "2026-06-30T17:00"},
    "accesslog:finding_triage": {"status": "dismissed", "note": "on call"},
    "accesslog:detection_run": {"since": "2026-03-02", "until": "2026-03-02"},
    "accesslog:bundle": {"since": "2026-03-01", "until": "2026-03-02"},
    "accesslog:detection_settings": {
        "office_start": "08:00",
        "office_end": "18:00",
        "working_days": ["1", "2", "3", "4", "5"],
        "daily_threshold": "200",
        "usual_factor": "3",
        "usual_window_days": "30",
        "usual_min_days": "5",
    },
    "accesslog:open_cases": {"case_refs": "D-1"},
    "accesslog:watch": {"national_number": national_number(501), "label": "mayor"},
}


@pytest.mark.parametrize(
    ("name", "method", "target", "persona", "expected"), list(cases())
)
def test_access(
    db: Any,
    shared: tuple[World, dict[str, User]],
    name: str,
    method: str,
    target: str,
    persona: str | None,
    expected: int | str,
) -> None:
    world, personas = shared
    user = personas[persona] if persona else None
    client = Client()
    if user is not None:
        client.force_login(user)
    url = url_for(name, target, world)

    if method == GET:
        response = client.get(url)
    else:
        response = client.post(url, post_data(name, target, world, user))
    location = response.get("Location", "")

    if expected == LOGIN:
        assert response.status_code == 302
        assert location.startswith("/accounts/login/?next=")
    else:
        assert response.status_code == expected
    if expected in (302, 303):
        assert "?next=" not in location
