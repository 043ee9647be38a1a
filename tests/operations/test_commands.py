"""``vigil setup`` and ``vigil demo`` can run again without changing anything."""

import io
import socket

import pytest
from django.core.management import CommandError, call_command
from django.db import models
from django.utils import timezone

from vigil.accounts.models import Membership, User
from vigil.assessments.models import (
    Answer,
    AnswerChange,
    Assessment,
    Evidence,
    Submission,
)
from vigil.audit.models import AuditEntry
from vigil.catalog.models import AnswerOption, CatalogVersion, Chapter, Norm
from vigil.operations.demo import DEMO_PASSWORD, USERS
from vigil.organisations.models import Organisation, Site

COUNTED: list[type[models.Model]] = [
    CatalogVersion,
    Chapter,
    Norm,
    AnswerOption,
    Organisation,
    Site,
    User,
    Membership,
    Assessment,
    Answer,
    AnswerChange,
    Evidence,
    Submission,
    AuditEntry,
]


def counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in COUNTED}


def run(command: str, **options: object) -> str:
    output = io.StringIO()
    call_command(command, stdout=output, verbosity=0, **options)
    return output.getvalue()


@pytest.mark.django_db
def test_setup_loads_catalog() -> None:
    output = run("setup")

    assert "catalog ksz-mn-2005: created" in output
    assert Norm.objects.filter(catalog__code="ksz-mn-2005").count() == 28


@pytest.mark.django_db
def test_setup_twice_changes_nothing() -> None:
    run("setup")
    before = counts()

    output = run("setup")

    assert "catalog ksz-mn-2005: unchanged" in output
    assert counts() == before


@pytest.mark.django_db
def test_demo_twice_changes_nothing() -> None:
    run("demo", no_serve=True)
    before = counts()

    run("demo", no_serve=True)

    assert counts() == before


@pytest.mark.django_db
def test_demo_prints_logins() -> None:
    output = run("demo", no_serve=True)

    for email, _name, _roles in USERS:
        assert email in output
    assert DEMO_PASSWORD in output
    assert " at OCMW Demodorp" in output
    assert " demo)" not in output
    # Nothing is served, so no address is given to log in at.
    assert "http://" not in output
    assert "Start the app with make demo or vigil runserver" in output


@pytest.mark.django_db
def test_demo_logins_work() -> None:
    run("demo", no_serve=True)

    for email, _name, _roles in USERS:
        user = User.objects.get(email=email)
        assert user.check_password(DEMO_PASSWORD), email


@pytest.mark.django_db
def test_demo_has_last_year_submitted() -> None:
    run("demo", no_serve=True)
    year = timezone.localdate().year

    last = Assessment.objects.get(organisation__slug="demo", year=year - 1)
    current = Assessment.objects.get(organisation__slug="demo", year=year)

    assert last.status == Assessment.Status.SUBMITTED
    assert last.submissions.count() == 1
    assert current.is_draft
    assert current.started_from == last


@pytest.mark.django_db
def test_demo_leaves_norms_open_this_year() -> None:
    run("demo", no_serve=True)
    current = Assessment.objects.get(
        organisation__slug="demo", year=timezone.localdate().year
    )

    open_norms = set(
        current.answers.filter(option__isnull=True).values_list("norm__code", flat=True)
    )

    assert open_norms == {"4.7.1", "4.7.2", "4.9.2", "4.10"}


@pytest.mark.django_db
def test_demo_consultant_serves_two_centres() -> None:
    run("demo", no_serve=True)

    slugs = set(
        Membership.objects.filter(user__email=USERS[0][0]).values_list(
            "organisation__slug", flat=True
        )
    )

    assert slugs == {"demo", "demo-buur"}


@pytest.mark.django_db
def test_demo_port_in_use_stops_first() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CommandError) as raised:
            call_command("demo", addrport=f"127.0.0.1:{port}", stdout=io.StringIO())

    assert f"cannot serve on 127.0.0.1:{port}" in str(raised.value)
    assert f"make demo ADDRPORT=127.0.0.1:{port + 1}" in str(raised.value)
    assert not Organisation.objects.exists()


@pytest.mark.parametrize(
    "addrport",
    ["8000", "localhost", ":8000", "host:port", "127.0.0.1:²", "127.0.0.1:99999"],
)
def test_demo_invalid_addrport(addrport: str) -> None:
    with pytest.raises(CommandError, match="ADDRESS:PORT"):
        call_command("demo", addrport=addrport, stdout=io.StringIO())
