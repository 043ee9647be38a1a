"""Organisations: enterprise numbers, names per language and creation."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import translation

from vigil.audit.models import AuditEntry
from vigil.organisations.models import (
    Organisation,
    format_enterprise_number,
    normalise_enterprise_number,
)
from vigil.organisations.services import create_organisation


def create(
    number: str, slug: str = "centre-x", sites: list[str] | None = None
) -> Organisation:
    return create_organisation(
        slug=slug,
        kind="centre",
        name_nl="OCMW X",
        name_fr="CPAS X",
        enterprise_number=number,
        sites=sites,
        actor=None,
    )


def test_number_is_normalised_and_formatted() -> None:
    assert normalise_enterprise_number("BE 0999.999.922") == "0999999922"
    assert format_enterprise_number("0999999922") == "0999.999.922"


@pytest.mark.django_db
def test_create_stores_compact_number() -> None:
    organisation = create("0999.999.922")

    assert organisation.enterprise_number == "0999999922"
    assert organisation.enterprise_number_display == "0999.999.922"


@pytest.mark.django_db
def test_create_rejects_bad_check_digits() -> None:
    with pytest.raises(ValidationError) as raised:
        create("0999.999.921")
    messages = raised.value.message_dict["enterprise_number"]

    assert "0999.999.921" in messages[0]
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_create_rejects_duplicate_number() -> None:
    create("0999999922")

    with pytest.raises(ValidationError) as raised:
        create("0999999922", slug="centre-y")

    assert "enterprise_number" in raised.value.message_dict


@pytest.mark.django_db
def test_create_makes_named_sites() -> None:
    organisation = create("0999999922", sites=["Sociaal Huis", "Bibliotheek"])

    assert sorted(organisation.sites.values_list("name", flat=True)) == [
        "Bibliotheek",
        "Sociaal Huis",
    ]


@pytest.mark.django_db
def test_create_without_sites_makes_one() -> None:
    organisation = create("0999999922")

    assert list(organisation.sites.values_list("name", flat=True)) == ["OCMW X"]


@pytest.mark.django_db
def test_create_records_audit_entries() -> None:
    organisation = create("0999999922", sites=["A", "B"])
    actions = list(
        AuditEntry.objects.filter(organisation=organisation)
        .order_by("id")
        .values_list("action", flat=True)
    )

    assert actions == ["organisation.created", "site.created", "site.created"]


def test_name_follows_language(centre_a: Organisation) -> None:
    with translation.override("fr"):
        french = centre_a.name
    with translation.override("nl"):
        dutch = centre_a.name
    with translation.override("en"):
        english = centre_a.name

    assert french == "CPAS centre-a"
    assert dutch == "OCMW centre-a"
    assert english == "OCMW centre-a"


@pytest.mark.django_db
def test_create_language_defaults_to_dutch() -> None:
    organisation = create("0999999922")

    assert organisation.language == Organisation.Language.DUTCH


@pytest.mark.django_db
def test_create_rejects_unknown_language() -> None:
    with pytest.raises(ValidationError) as raised:
        create_organisation(
            slug="centre-x",
            kind="centre",
            name_nl="OCMW X",
            name_fr="CPAS X",
            enterprise_number="0999999922",
            language="de",
            actor=None,
        )

    assert "language" in raised.value.message_dict
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_org_command_sets_language() -> None:
    call_command(
        "org",
        "create",
        "--slug=cpas-x",
        "--name-nl=OCMW X",
        "--name-fr=CPAS X",
        "--enterprise-number=0999.999.922",
        "--language=fr",
        stdout=io.StringIO(),
    )

    organisation = Organisation.objects.get(slug="cpas-x")
    assert organisation.language == Organisation.Language.FRENCH
