"""Organisations: enterprise numbers, names per language and creation."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from vigil.audit.models import AuditEntry
from vigil.organisations.models import (
    Organisation,
    Site,
    format_enterprise_number,
    normalise_enterprise_number,
    validate_postcode,
)
from vigil.organisations.services import create_organisation, update_organisation


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


# Postcodes


@pytest.mark.parametrize("postcode", ["1000", "9000", "9999"])
def test_postcode_accepts_belgian(postcode: str) -> None:
    validate_postcode(postcode)


@pytest.mark.parametrize(
    "postcode", ["12", "0999", "123", "12345", "90 00", "B-9000", "٩٠٠٠"]
)
def test_postcode_rejects_other(postcode: str) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        validate_postcode(postcode)
    with translation.override("en"):
        message = raised.value.messages[0]

    assert raised.value.code == "invalid_postcode"
    assert f"Postcode {postcode} is invalid" in message
    assert "1000 to 9999" in message


def create_with_postcode(postcode: str) -> Organisation:
    return create_organisation(
        slug="centre-x",
        kind="centre",
        name_nl="OCMW X",
        name_fr="CPAS X",
        enterprise_number="0999999922",
        postcode=postcode,
        actor=None,
    )


@pytest.mark.django_db
def test_create_rejects_short_postcode() -> None:
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        create_with_postcode("12")
    with translation.override("en"):
        messages = raised.value.message_dict["postcode"]

    assert messages == [
        "Postcode 12 is invalid: a Belgian postcode has 4 digits from 1000 to "
        "9999, for example 9000. Correct it or leave the postcode empty."
    ]
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_create_strips_valid_postcode() -> None:
    organisation = create_with_postcode(" 9000 ")

    assert organisation.postcode == "9000"


@pytest.mark.django_db
def test_create_accepts_empty_postcode() -> None:
    organisation = create_with_postcode("")

    assert organisation.postcode == ""


@pytest.mark.django_db
def test_site_rejects_short_postcode(centre_a: Organisation) -> None:
    site = Site(organisation=centre_a, name="Annex", postcode="12")

    with pytest.raises(ValidationError) as raised:
        site.full_clean()

    assert "postcode" in raised.value.message_dict


@pytest.mark.django_db
def test_postcode_error_in_dutch() -> None:
    with translation.override("nl"), pytest.raises(ValidationError) as raised:
        create_with_postcode("12")

    assert raised.value.message_dict["postcode"][0].startswith(
        "Postcode 12 is ongeldig: een Belgische postcode heeft 4 cijfers"
    )


@pytest.mark.django_db
def test_org_command_rejects_short_postcode() -> None:
    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command(
            "org",
            "create",
            "--slug=ocmw-x",
            "--name-nl=OCMW X",
            "--enterprise-number=0999.999.922",
            "--postcode=12",
            stdout=io.StringIO(),
        )

    assert str(raised.value).startswith("postcode: Postcode 12 is invalid")
    assert "for example 9000" in str(raised.value)
    assert not Organisation.objects.exists()


# Changing an organisation


@pytest.fixture
def centre() -> Organisation:
    return create_organisation(
        slug="ocmw-x",
        kind="centre",
        name_nl="OCMW X",
        name_fr="CPAS X",
        enterprise_number="0999999922",
        actor=None,
    )


@pytest.mark.django_db
def test_update_changes_language_and_audits(centre: Organisation) -> None:
    update_organisation(centre, actor=None, language="fr", municipality="Namen")

    centre.refresh_from_db()
    assert centre.language == Organisation.Language.FRENCH
    assert centre.municipality == "Namen"
    entry = AuditEntry.objects.get(action="organisation.updated")
    assert entry.old_values == {"language": "nl", "municipality": ""}
    assert entry.new_values == {"language": "fr", "municipality": "Namen"}


@pytest.mark.django_db
def test_update_rejects_bad_value_whole(centre: Organisation) -> None:
    with pytest.raises(ValidationError) as raised:
        update_organisation(centre, actor=None, name_fr="CPAS Y", postcode="12")

    assert list(raised.value.message_dict) == ["postcode"]
    centre.refresh_from_db()
    assert centre.name_fr == "CPAS X"
    assert not AuditEntry.objects.filter(action="organisation.updated").exists()


@pytest.mark.django_db
def test_update_rejects_identifying_field(centre: Organisation) -> None:
    with pytest.raises(ValidationError) as raised:
        update_organisation(centre, actor=None, slug="other")

    assert "slug" in raised.value.message_dict
    centre.refresh_from_db()
    assert centre.slug == "ocmw-x"


@pytest.mark.django_db
def test_update_without_change_not_audited(centre: Organisation) -> None:
    update_organisation(centre, actor=None, language="nl")

    assert not AuditEntry.objects.filter(action="organisation.updated").exists()


@pytest.mark.django_db
def test_org_command_updates_language(centre: Organisation) -> None:
    output = io.StringIO()
    call_command(
        "org",
        "update",
        "--slug=ocmw-x",
        "--language=fr",
        "--postcode=5000",
        stdout=output,
    )

    centre.refresh_from_db()
    assert centre.language == Organisation.Language.FRENCH
    assert centre.postcode == "5000"
    assert output.getvalue() == "updated ocmw-x: language, postcode\n"


@pytest.mark.django_db
def test_org_command_update_errors(centre: Organisation) -> None:
    with pytest.raises(CommandError, match="'nowhere' not found"):
        call_command("org", "update", "--slug=nowhere", "--language=fr")
    with pytest.raises(CommandError, match="nothing to change"):
        call_command("org", "update", "--slug=ocmw-x")
    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command("org", "update", "--slug=ocmw-x", "--postcode=12")
    assert str(raised.value).startswith("postcode: Postcode 12 is invalid")
