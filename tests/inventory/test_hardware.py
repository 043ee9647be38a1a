"""The hardware register: creation, validation and its pages."""

import pytest
from django.test import Client

from tests.inventory.conftest import add_hardware
from vigil.accounts.models import User
from vigil.audit.models import AuditEntry
from vigil.organisations.models import Organisation, Site
from vigil.registers import services
from vigil.registers.inventory import notices
from vigil.registers.inventory.models import Hardware
from vigil.registers.inventory.specs import HARDWARE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hasher")]


def test_create_resolves_site_by_name(
    centre_a: Organisation, sites_a: list[Site]
) -> None:
    item = add_hardware(
        centre_a,
        "INV-SRV-01",
        kind="server",
        site="Sociaal Huis",
        room="Serverlokaal",
        ksz_flows="ja",
        purchase_date="2024-05-14",
    )

    assert item.site == sites_a[0]
    assert item.ksz_flows is True
    assert item.purchase_date is not None
    assert item.purchase_date.isoformat() == "2024-05-14"
    entry = AuditEntry.objects.get(action="register.record_created")
    assert entry.new_values["site"] == "Sociaal Huis"


def test_unknown_site_is_rejected(centre_a: Organisation, sites_a: list[Site]) -> None:
    with pytest.raises(services.RecordInvalid) as raised:
        add_hardware(centre_a, "INV-1", site="Bibliotheek")

    assert "Bibliotheek" in raised.value.errors["site"][0]


def test_site_of_other_centre_is_rejected(
    centre_a: Organisation, centre_b: Organisation
) -> None:
    Site.objects.create(organisation=centre_b, name="Sociaal Huis")

    with pytest.raises(services.RecordInvalid) as raised:
        add_hardware(centre_a, "INV-1", site="Sociaal Huis")

    assert list(raised.value.errors) == ["site"]


def test_disposal_date_needs_method(centre_a: Organisation) -> None:
    with pytest.raises(services.RecordInvalid) as raised:
        add_hardware(centre_a, "INV-1", disposal_date="2026-01-10")

    assert "disposal method" in raised.value.errors["disposal_method"][0]
    assert Hardware.objects.count() == 0


def test_disposal_method_needs_date(centre_a: Organisation) -> None:
    with pytest.raises(services.RecordInvalid) as raised:
        add_hardware(centre_a, "INV-1", disposal_method="destroyed")

    assert "disposal date" in raised.value.errors["disposal_date"][0]


def test_disposal_before_purchase_is_rejected(centre_a: Organisation) -> None:
    with pytest.raises(services.RecordInvalid) as raised:
        add_hardware(
            centre_a,
            "INV-1",
            purchase_date="2024-03-01",
            disposal_date="2024-02-28",
            disposal_method="sold",
        )

    message = raised.value.errors["disposal_date"][0]
    assert "2024-02-28" in message
    assert "2024-03-01" in message


def test_disposal_records_method(centre_a: Organisation) -> None:
    item = add_hardware(centre_a, "INV-1", purchase_date="2020-03-01")

    services.update_record(
        HARDWARE,
        item,
        {"disposal_date": "2026-06-30", "disposal_method": "wiped_recycled"},
        actor=None,
    )

    item.refresh_from_db()
    assert item.get_disposal_method_display() == "wiped and recycled"
    assert notices.hardware_summary(centre_a) == [
        "0 in use, 1 disposed; 0 in use for KSZ flows."
    ]


def test_unknown_type_names_the_choices(centre_a: Organisation) -> None:
    with pytest.raises(services.RecordInvalid) as raised:
        add_hardware(centre_a, "INV-1", kind="toaster")

    message = raised.value.errors["kind"][0]
    assert message.startswith("toaster is not a hardware type")
    assert "network" in message


def test_serial_unique_per_centre(
    centre_a: Organisation, centre_b: Organisation
) -> None:
    add_hardware(centre_a, "INV-1", serial_number="CZC1234ABC")
    add_hardware(centre_b, "INV-1", serial_number="CZC1234ABC")

    with pytest.raises(services.RecordInvalid) as raised:
        add_hardware(centre_a, "INV-2", serial_number="CZC1234ABC")

    assert "CZC1234ABC" in raised.value.errors["serial_number"][0]
    assert Hardware.objects.filter(organisation=centre_a).count() == 1


def test_blank_serial_may_repeat(centre_a: Organisation) -> None:
    add_hardware(centre_a, "INV-1")
    add_hardware(centre_a, "INV-2")

    assert Hardware.objects.filter(organisation=centre_a, serial_number="").count() == 2


def test_inventory_tag_unique_per_centre(centre_a: Organisation) -> None:
    add_hardware(centre_a, "INV-1")

    with pytest.raises(services.RecordInvalid) as raised:
        add_hardware(centre_a, "INV-1")

    assert "INV-1" in raised.value.errors["inventory_tag"][0]


def test_update_keeps_own_serial(centre_a: Organisation) -> None:
    item = add_hardware(centre_a, "INV-1", serial_number="SN-1")

    services.update_record(HARDWARE, item, {"room": "Onthaal"}, actor=None)

    item.refresh_from_db()
    assert item.room == "Onthaal"
    assert item.serial_number == "SN-1"


def test_summary_counts_ksz_items(centre_a: Organisation) -> None:
    add_hardware(centre_a, "INV-1", ksz_flows="true")
    add_hardware(centre_a, "INV-2")

    assert notices.hardware_summary(centre_a) == [
        "2 in use, 0 disposed; 1 in use for KSZ flows."
    ]


def test_page_creates_hardware(
    client: Client, consultant_a: User, centre_a: Organisation, sites_a: list[Site]
) -> None:
    client.force_login(consultant_a)
    data = {
        "kind": "laptop",
        "inventory_tag": "INV-LT-007",
        "make": "Lenovo",
        "site": str(sites_a[1].pk),
        "purchase_date": "2024-02-12",
    }

    response = client.post(f"/c/{centre_a.slug}/registers/hardware/new/", data)

    assert response.status_code == 302
    item = Hardware.objects.get(inventory_tag="INV-LT-007")
    assert item.site == sites_a[1]
    assert item.organisation == centre_a


def test_page_shows_disposal_error(
    client: Client, consultant_a: User, centre_a: Organisation
) -> None:
    client.force_login(consultant_a)
    data = {"kind": "desktop", "inventory_tag": "INV-1", "disposal_date": "2026-01-01"}

    response = client.post(f"/c/{centre_a.slug}/registers/hardware/new/", data)

    assert response.status_code == 400
    assert "Geef de manier van afvoeren" in response.content.decode()
    assert not Hardware.objects.exists()


def test_detail_lists_installed_software(
    client: Client, viewer_a: User, centre_a: Organisation
) -> None:
    from vigil.registers.inventory.specs import SOFTWARE

    item = add_hardware(centre_a, "INV-PC-014")
    values = {"name": "Windows 10 Pro", "installed_on": "INV-PC-014"}
    services.create_record(SOFTWARE, centre_a, values, actor=None)
    client.force_login(viewer_a)

    page = client.get(f"/c/{centre_a.slug}/registers/hardware/{item.pk}/")

    assert page.status_code == 200
    assert "Windows 10 Pro" in page.content.decode()
