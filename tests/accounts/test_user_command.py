"""``vigil user grant``: errors name the command's options."""

import io
from collections.abc import Iterator

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from vigil.accounts.models import Membership, User
from vigil.organisations.models import Organisation


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def grant_failing(*arguments: str) -> str:
    with pytest.raises(CommandError) as raised:
        call_command("user", "grant", *arguments, stdout=io.StringIO())
    return str(raised.value)


def test_grant_auditor_without_until(
    consultant_a: User, centre_b: Organisation
) -> None:
    message = grant_failing(
        "--email", "consultant@a.test", "--org", "centre-b", "--role", "auditor"
    )
    assert message == (
        "--until: An auditor's membership needs an end date. Give the last day "
        "of access as --until YYYY-MM-DD."
    )
    assert not Membership.objects.filter(organisation=centre_b).exists()


def test_grant_auditor_without_until_in_dutch(
    consultant_a: User, centre_b: Organisation
) -> None:
    with translation.override("nl"):
        message = grant_failing(
            "--email", "consultant@a.test", "--org", "centre-b", "--role", "auditor"
        )
    assert message == (
        "--until: Het lidmaatschap van een auditor vereist een einddatum: vul "
        "“geldig tot” in. Geef de laatste dag van toegang als --until JJJJ-MM-DD."
    )


def test_grant_past_until_names_option(
    consultant_a: User, centre_b: Organisation
) -> None:
    message = grant_failing(
        "--email",
        "consultant@a.test",
        "--org",
        "centre-b",
        "--role",
        "auditor",
        "--until",
        "2020-01-31",
    )
    assert message.startswith("--until: The end date 2020-01-31 has passed")


def test_grant_auditor_with_until(consultant_a: User, centre_b: Organisation) -> None:
    output = io.StringIO()
    call_command(
        "user",
        "grant",
        "--email",
        "consultant@a.test",
        "--org",
        "centre-b",
        "--role",
        "auditor",
        "--until",
        "2099-12-31",
        stdout=output,
    )
    assert output.getvalue() == "consultant@a.test is auditor of centre-b\n"
