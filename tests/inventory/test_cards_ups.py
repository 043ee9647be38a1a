"""Card readers, professional cards and UPS units: validation and warnings."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from tests.inventory.conftest import add_hardware
from vigil.accounts.models import User
from vigil.organisations.models import Organisation, Site
from vigil.registers import services
from vigil.registers.inventory import checks, notices
from vigil.registers.inventory.models import CardReader, ProfessionalCard, UpsUnit
from vigil.registers.inventory.specs import CARD_READERS, CARDS, UPS_UNITS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hasher")]


def day(offset: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=offset)).isoformat()


def add_card(
    organisation: Organisation, holder: str, **values: str
) -> ProfessionalCard:
    record = services.create_record(
        CARDS, organisation, {"holder": holder, **values}, actor=None
    )
    assert isinstance(record, ProfessionalCard)
    return record


def add_ups(organisation: Organisation, identifier: str, **values: str) -> UpsUnit:
    record = services.create_record(
        UPS_UNITS, organisation, {"identifier": identifier, **values}, actor=None
    )
    assert isinstance(record, UpsUnit)
    return record


def test_reader_links_hardware_and_site(
    centre_a: Organisation, sites_a: list[Site]
) -> None:
    pc = add_hardware(centre_a, "INV-PC-014")

    reader = services.create_record(
        CARD_READERS,
        centre_a,
        {"identifier": "LEZER-01", "hardware": "INV-PC-014", "site": "Sociaal Huis"},
        actor=None,
    )

    assert isinstance(reader, CardReader)
    assert reader.hardware == pc
    assert reader.site == sites_a[0]
    assert notices.reader_summary(centre_a) == [
        "1 reader, 1 attached to a hardware item."
    ]


def test_reader_identifier_unique(centre_a: Organisation) -> None:
    values = {"identifier": "LEZER-01"}
    services.create_record(CARD_READERS, centre_a, values, actor=None)

    with pytest.raises(services.RecordInvalid) as raised:
        services.create_record(CARD_READERS, centre_a, values, actor=None)

    assert "identifier" in str(raised.value)


def test_card_keeps_last_digits_only(centre_a: Organisation) -> None:
    with pytest.raises(services.RecordInvalid) as raised:
        add_card(centre_a, "Dr. Marc Janssens", number_last_digits="5321004821")

    assert list(raised.value.errors) == ["number_last_digits"]


def test_card_digits_must_be_digits(centre_a: Organisation) -> None:
    with pytest.raises(services.RecordInvalid) as raised:
        add_card(centre_a, "Dr. Marc Janssens", number_last_digits="48a1")

    assert "last four digits" in raised.value.errors["number_last_digits"][0]


def test_card_on_reader(centre_a: Organisation) -> None:
    services.create_record(
        CARD_READERS, centre_a, {"identifier": "LEZER-01"}, actor=None
    )

    card = add_card(
        centre_a, "Sofie Claes", number_last_digits="0937", reader="LEZER-01"
    )

    assert card.reader is not None
    assert card.reader.identifier == "LEZER-01"
    assert str(card) == "Sofie Claes (…0937)"


def test_stored_safely_needs_storage(centre_a: Organisation) -> None:
    with pytest.raises(services.RecordInvalid) as raised:
        add_card(centre_a, "Sofie Claes", stored_safely="true")

    assert list(raised.value.errors) == ["storage"]


def test_card_warnings(centre_a: Organisation) -> None:
    add_card(
        centre_a,
        "Dr. Marc Janssens",
        valid_until=day(-1),
        storage="Kluis secretariaat",
        stored_safely="true",
    )
    add_card(centre_a, "Sofie Claes", valid_until=day(0), storage="Bureaulade")
    add_card(
        centre_a,
        "Tom Wouters",
        valid_until=day(300),
        storage="Kluis",
        stored_safely="true",
    )

    assert notices.card_warnings(centre_a) == [
        "1 card is past its validity: Dr. Marc Janssens.",
        "1 card has no safe storage: Sofie Claes (norm 4.2.1.6).",
    ]
    assert notices.card_summary(centre_a) == ["3 cards, 2 stored safely."]


def test_cards_without_validity_are_not_expired(centre_a: Organisation) -> None:
    add_card(centre_a, "Tom Wouters", storage="Kluis", stored_safely="true")

    assert notices.card_warnings(centre_a) == []


def test_ups_protects_hardware(centre_a: Organisation, sites_a: list[Site]) -> None:
    server = add_hardware(centre_a, "INV-SRV-01", kind="server")
    firewall = add_hardware(centre_a, "INV-NET-01", kind="network")

    unit = add_ups(
        centre_a,
        "UPS-SRV-01",
        site="Sociaal Huis",
        protected="INV-SRV-01;INV-NET-01",
        capacity_va="1500",
        last_test_on=day(-30),
        last_test_result="passed",
    )

    assert set(unit.protected.all()) == {server, firewall}
    assert unit.capacity_va == 1500
    assert notices.ups_summary(centre_a) == ["1 UPS unit, protecting 2 hardware items."]
    assert notices.ups_warnings(centre_a) == []


def test_ups_capacity_must_be_positive(centre_a: Organisation) -> None:
    with pytest.raises(services.RecordInvalid) as raised:
        add_ups(centre_a, "UPS-1", capacity_va="0")

    assert list(raised.value.errors) == ["capacity_va"]


def test_ups_test_needs_result(centre_a: Organisation) -> None:
    with pytest.raises(services.RecordInvalid) as raised:
        add_ups(centre_a, "UPS-1", last_test_on=day(-3))

    assert list(raised.value.errors) == ["last_test_result"]


def test_ups_warnings(centre_a: Organisation) -> None:
    add_ups(centre_a, "UPS-OLD", last_test_on=day(-400), last_test_result="passed")
    add_ups(centre_a, "UPS-NEVER")
    add_ups(centre_a, "UPS-BAD", last_test_on=day(-10), last_test_result="failed")
    add_ups(centre_a, "UPS-OK", last_test_on=day(-10), last_test_result="passed")

    assert notices.ups_warnings(centre_a) == [
        "2 UPS units were not tested in the last twelve months: UPS-NEVER, "
        "UPS-OLD (norm 4.3.3).",
        "1 UPS unit failed its last test: UPS-BAD.",
    ]


def test_ups_test_exactly_a_year_ago_is_due_tomorrow(centre_a: Organisation) -> None:
    today = datetime.date(2026, 3, 1)
    add_ups(centre_a, "UPS-1", last_test_on="2025-03-01", last_test_result="passed")
    add_ups(centre_a, "UPS-2", last_test_on="2025-02-28", last_test_result="passed")

    overdue = checks.ups_test_overdue(centre_a, today)

    assert [unit.identifier for unit in overdue] == ["UPS-2"]


def test_a_year_before_leap_day() -> None:
    assert checks.a_year_before(datetime.date(2028, 2, 29)) == datetime.date(
        2027, 2, 28
    )


def test_attention_page_lists_cards_and_ups(
    client: Client, viewer_a: User, centre_a: Organisation
) -> None:
    add_card(centre_a, "Sofie Claes", valid_until=day(-5))
    add_ups(centre_a, "UPS-NEVER")
    client.force_login(viewer_a)

    page = client.get(f"/c/{centre_a.slug}/inventory/attention/").content.decode()

    cards = page.split('data-testid="cards"')[1].split("</section>")[0]
    ups = page.split('data-testid="ups"')[1].split("</section>")[0]
    assert cards.count("Sofie Claes") == 2
    assert "UPS-NEVER" in ups
