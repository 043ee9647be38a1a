"""Shared fixtures: the shipped catalog, personas and their centres."""

import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis
import pytest
from django.conf import LazySettings
from django.conf import settings as django_settings
from django.db.models.signals import post_save
from django.test import Client
from django.utils import timezone, translation

from vigil.accounts.models import Membership, User
from vigil.accounts.roles import Role
from vigil.accounts.services import create_user, grant_membership
from vigil.assessments.models import Assessment
from vigil.audit.display import untranslated_values
from vigil.audit.models import AuditEntry
from vigil.catalog.loader import load_catalog_file, shipped_catalog_paths
from vigil.catalog.models import AnswerOption, CatalogVersion
from vigil.organisations.models import Organisation
from vigil.organisations.services import create_organisation

PASSWORD = "correct-horse-battery-staple"
COLLECTOR = "tests.audit-values-translated"

# Property tests check results, not speed: on a loaded machine (two test
# workers and a browser) drawing one example can take over a second, which
# Hypothesis would otherwise report as a failed health check.
hypothesis.settings.register_profile(
    "vigil", deadline=None, suppress_health_check=[hypothesis.HealthCheck.too_slow]
)
hypothesis.settings.load_profile("vigil")


@pytest.fixture(autouse=True)
def _media_root(settings: LazySettings, tmp_path: Path) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path / "files"
    yield


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    # The locale middleware leaves a request's language active in the thread,
    # so each test starts from the default language, whatever ran before it.
    with translation.override(django_settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _audit_values_translated() -> Iterator[None]:
    """Fail a test whose audit entries would show a key or a code as stored.

    Every entry that a test creates is checked here. A new ``record`` call
    that stores a key without a label fails the tests that run it, and so
    does a code that no choice or key text turns into text.
    """
    entries: list[AuditEntry] = []

    def collect(
        sender: Any, instance: AuditEntry, created: bool, **kwargs: Any
    ) -> None:
        if created:
            entries.append(instance)

    post_save.connect(collect, sender=AuditEntry, weak=False, dispatch_uid=COLLECTOR)
    try:
        yield
    finally:
        post_save.disconnect(sender=AuditEntry, dispatch_uid=COLLECTOR)
    problems = sorted(
        {
            f"{entry.action}: {problem}"
            for entry in entries
            for values in (entry.old_values, entry.new_values)
            for problem in untranslated_values(
                entry.object_type, values or {}, entry.action
            )
        }
    )
    if problems:
        pytest.fail(
            "audit entries would show keys or codes as stored; register their "
            "labels, key fields or key texts in the app's trail:\n"
            + "\n".join(problems)
        )


@pytest.fixture
def catalog(db: Any) -> CatalogVersion:
    for path in shipped_catalog_paths():
        load_catalog_file(path)
    return CatalogVersion.objects.get(code="ksz-mn-2005")


def make_centre(slug: str, number: str, kind: str = "centre") -> Organisation:
    return create_organisation(
        slug=slug,
        kind=kind,
        name_nl=f"OCMW {slug}",
        name_fr=f"CPAS {slug}",
        enterprise_number=number,
        actor=None,
    )


@pytest.fixture
def centre_a(db: Any) -> Organisation:
    return make_centre("centre-a", "0999999922")


@pytest.fixture
def centre_b(db: Any) -> Organisation:
    return make_centre("centre-b", "0999999823")


@pytest.fixture
def supervisor_org(db: Any) -> Organisation:
    return make_centre("pod-mi", "0999999724", kind="supervisor")


def make_person(
    email: str,
    organisation: Organisation,
    role: str,
    until: datetime.date | None = None,
) -> User:
    user = create_user(
        email=email, full_name=email.split("@")[0], password=PASSWORD, actor=None
    )
    grant_membership(
        user=user, organisation=organisation, role=role, valid_until=until, actor=None
    )
    return user


@pytest.fixture
def consultant_a(centre_a: Organisation) -> User:
    return make_person("consultant@a.test", centre_a, Role.CONSULTANT)


@pytest.fixture
def viewer_a(centre_a: Organisation) -> User:
    return make_person("viewer@a.test", centre_a, Role.VIEWER)


@pytest.fixture
def management_a(centre_a: Organisation) -> User:
    return make_person("management@a.test", centre_a, Role.MANAGEMENT)


@pytest.fixture
def consultant_b(centre_b: Organisation) -> User:
    return make_person("consultant@b.test", centre_b, Role.CONSULTANT)


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# Personas and helpers used by the service, view and permission tests.


@pytest.fixture
def deputy_a(centre_a: Organisation) -> User:
    return make_person("deputy@a.test", centre_a, Role.DEPUTY)


@pytest.fixture
def auditor_a(centre_a: Organisation) -> User:
    until = timezone.localdate() + datetime.timedelta(days=30)
    return make_person("auditor@a.test", centre_a, Role.AUDITOR, until=until)


@pytest.fixture
def expired_auditor_a(centre_a: Organisation) -> User:
    # Granting rejects a past end date, so the membership runs out afterwards.
    today = timezone.localdate()
    user = make_person("expired-auditor@a.test", centre_a, Role.AUDITOR, until=today)
    yesterday = today - datetime.timedelta(days=1)
    Membership.objects.filter(user=user).update(valid_until=yesterday)
    return user


@pytest.fixture
def supervisor(supervisor_org: Organisation) -> User:
    return make_person("supervisor@pod-mi.test", supervisor_org, Role.SUPERVISOR)


def option(catalog: CatalogVersion, code: str) -> AnswerOption:
    """Return the catalog's answer option with ``code`` (e.g. ``implemented``)."""
    return catalog.answer_options.get(code=code)


def answer_everything(assessment: Assessment, code: str = "implemented") -> None:
    """Give every norm of ``assessment`` the answer ``code``, bypassing the rules."""
    chosen = assessment.catalog.answer_options.get(code=code)
    assessment.answers.update(option=chosen)


@pytest.fixture
def fast_password_hasher(settings: LazySettings) -> None:
    """Hash passwords with MD5, because Argon2 is slow by design."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
