"""The software register: installations by tag, licences, end of support."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from tests.inventory.conftest import add_hardware
from vigil.accounts.models import User
from vigil.organisations.models import Organisation
from vigil.registers import services, wire
from vigil.registers.inventory import checks, notices
from vigil.registers.inventory.models import Software
from vigil.registers.inventory.specs import SOFTWARE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hasher")]

TODAY = datetime.date(2026, 6, 15)


def day(offset: int) -> str:
    """Return the real today moved by ``offset`` days, in ISO form."""
    return (timezone.localdate() + datetime.timedelta(days=offset)).isoformat()


def add_software(organisation: Organisation, name: str, **values: str) -> Software:
    record = services.create_record(
        SOFTWARE, organisation, {"name": name, **values}, actor=None
    )
    assert isinstance(record, Software)
    return record


def test_installed_on_resolves_tags(centre_a: Organisation) -> None:
    first = add_hardware(centre_a, "INV-PC-014")
    second = add_hardware(centre_a, "INV-PC-015")

    item = add_software(
        centre_a, "Windows 10 Pro", installed_on="INV-PC-014; INV-PC-015"
    )

    assert set(item.installed_on.all()) == {first, second}
    assert wire.json_values(SOFTWARE, item)["installed_on"] == [
        "INV-PC-014",
        "INV-PC-015",
    ]


def test_unknown_tag_is_rejected(centre_a: Organisation) -> None:
    add_hardware(centre_a, "INV-PC-014")

    with pytest.raises(services.RecordInvalid) as raised:
        add_software(centre_a, "Windows 10 Pro", installed_on="INV-PC-014; INV-PC-099")

    assert "INV-PC-099" in raised.value.errors["installed_on"][0]
    assert not Software.objects.exists()


def test_tag_of_other_centre_is_rejected(
    centre_a: Organisation, centre_b: Organisation
) -> None:
    add_hardware(centre_b, "INV-PC-014")

    with pytest.raises(services.RecordInvalid) as raised:
        add_software(centre_a, "Windows 10 Pro", installed_on="INV-PC-014")

    assert list(raised.value.errors) == ["installed_on"]


def test_licence_key_is_rejected(centre_a: Organisation) -> None:
    with pytest.raises(services.RecordInvalid) as raised:
        add_software(
            centre_a,
            "Office",
            licence_reference="Sleutel VK7JG-NPHTM-C97JM-9MPGT-3V66T",
        )

    assert "licence key" in raised.value.errors["licence_reference"][0]


def test_licence_reference_is_kept(centre_a: Organisation) -> None:
    item = add_software(
        centre_a, "Office", licence_reference="Raamcontract 2022/014, kluis"
    )

    assert item.licence_reference == "Raamcontract 2022/014, kluis"


def test_negative_licence_count_is_rejected(centre_a: Organisation) -> None:
    with pytest.raises(services.RecordInvalid) as raised:
        add_software(centre_a, "Office", licence_count="-3")

    assert list(raised.value.errors) == ["licence_count"]


def test_support_windows(centre_a: Organisation) -> None:
    add_software(centre_a, "Past", end_of_support="2026-06-14")
    add_software(centre_a, "Today", end_of_support="2026-06-15")
    add_software(centre_a, "Day 90", end_of_support="2026-09-13")
    add_software(centre_a, "Day 91", end_of_support="2026-09-14")
    add_software(centre_a, "Unknown")

    past = checks.software_past_support(centre_a, TODAY)
    soon = checks.software_ending_support(centre_a, TODAY)

    assert [item.name for item in past] == ["Past"]
    assert [item.name for item in soon] == ["Today", "Day 90"]


def test_summary_and_warnings(centre_a: Organisation) -> None:
    add_software(centre_a, "Windows 10 Pro", version="22H2", end_of_support=day(-1))
    add_software(centre_a, "Windows 7", end_of_support=day(-2000))
    add_software(centre_a, "Sociaal dossier", end_of_support=day(90))
    add_software(centre_a, "FortiOS", end_of_support=day(91))

    summary = notices.software_summary(centre_a)
    warnings = notices.software_warnings(centre_a)

    assert summary == [
        "4 products; 2 past end of support, 1 reaching it within 90 days."
    ]
    assert warnings == [
        "2 products are past end of support: Windows 7, Windows 10 Pro 22H2.",
        "1 product reaches end of support within 90 days: Sociaal dossier.",
    ]


def test_no_warnings_when_supported(centre_a: Organisation) -> None:
    add_software(centre_a, "FortiOS", end_of_support=day(91))

    assert notices.software_warnings(centre_a) == []


def test_names_are_cut_after_five(centre_a: Organisation) -> None:
    for number in range(7):
        add_software(centre_a, f"Tool {number}", end_of_support="2020-01-01")

    shown = checks.names(checks.software_past_support(centre_a, TODAY))

    assert shown == "Tool 0, Tool 1, Tool 2, Tool 3, Tool 4, …"


def test_attention_page_lists_software(
    client: Client, viewer_a: User, centre_a: Organisation
) -> None:
    add_hardware(centre_a, "INV-PC-014")
    add_software(
        centre_a, "Windows 7", end_of_support=day(-2000), installed_on="INV-PC-014"
    )
    add_software(centre_a, "Sociaal dossier", end_of_support=day(10))
    add_software(centre_a, "FortiOS", end_of_support=day(400))
    client.force_login(viewer_a)

    page = client.get(f"/c/{centre_a.slug}/inventory/attention/").content.decode()

    past = page.split('data-testid="past-support"')[1].split("</section>")[0]
    soon = page.split('data-testid="ending-support"')[1].split("</section>")[0]
    assert "Windows 7" in past
    assert "INV-PC-014" in past
    assert "Sociaal dossier" not in past
    assert "Sociaal dossier" in soon
    assert "FortiOS" not in page


def test_detail_shows_past_support(
    client: Client, viewer_a: User, centre_a: Organisation
) -> None:
    item = add_software(centre_a, "Windows 7", end_of_support=day(-1))
    client.force_login(viewer_a)

    page = client.get(f"/c/{centre_a.slug}/registers/software/{item.pk}/")

    state = page.content.decode().split('data-testid="support-state"')[1]
    assert 'class="warning"' in state
    assert day(-1) in state


def test_page_creates_software_with_installations(
    client: Client, consultant_a: User, centre_a: Organisation
) -> None:
    first = add_hardware(centre_a, "INV-SRV-01")
    second = add_hardware(centre_a, "INV-SRV-02")
    client.force_login(consultant_a)
    data = {
        "name": "Windows Server",
        "version": "2022",
        "installed_on": [str(first.pk), str(second.pk)],
        "end_of_support": "2031-10-14",
    }

    response = client.post(f"/c/{centre_a.slug}/registers/software/new/", data)

    assert response.status_code == 302
    item = Software.objects.get(name="Windows Server")
    assert set(item.installed_on.all()) == {first, second}


def test_api_takes_installations_as_list(
    client: Client, consultant_a: User, centre_a: Organisation
) -> None:
    add_hardware(centre_a, "INV-SRV-01")
    add_hardware(centre_a, "INV-SRV-02")
    client.force_login(consultant_a)
    body = {"name": "Windows Server", "installed_on": ["INV-SRV-02", "INV-SRV-01"]}

    response = client.post(
        f"/api/v1/centres/{centre_a.slug}/registers/software/",
        json.dumps(body),
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["installed_on"] == ["INV-SRV-01", "INV-SRV-02"]
