"""Imports of GLPI and OCS Inventory exports, and Vigil's own files."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.inventory.conftest import DATA, add_hardware
from vigil.accounts.models import User
from vigil.organisations.models import Organisation, Site
from vigil.registers import queries, services, tabular, wire
from vigil.registers.inventory import importers
from vigil.registers.inventory.models import Hardware, Software
from vigil.registers.inventory.specs import HARDWARE, SOFTWARE, UPS_UNITS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hasher")]


def import_file(
    organisation: Organisation, name: str, fmt: str
) -> services.ImportResult:
    rows = services.read_rows(HARDWARE, (DATA / name).read_bytes(), fmt)
    return services.import_rows(HARDWARE, organisation, rows, actor=None)


def rejected(organisation: Organisation, name: str, fmt: str) -> list[str]:
    with pytest.raises(services.ImportRejected) as raised:
        import_file(organisation, name, fmt)
    return [str(error) for error in raised.value.errors]


def test_glpi_file_imports_every_row(
    centre_a: Organisation, sites_a: list[Site]
) -> None:
    result = import_file(centre_a, "glpi-computers.csv", "glpi")

    assert (result.created, result.updated) == (4, 0)
    server = Hardware.objects.get(inventory_tag="INV-SRV-01")
    assert server.kind == "server"
    assert server.name == "SRV-DC01"
    assert server.make == "Dell Inc."
    assert server.serial_number == "7QJ8MX3"
    assert server.site == sites_a[0]
    assert server.room == "Serverlokaal"
    assert server.user_or_owner == "admin.ict"
    assert server.purchase_date is not None
    assert server.purchase_date.isoformat() == "2024-05-14"


def test_glpi_values_are_mapped(centre_a: Organisation, sites_a: list[Site]) -> None:
    import_file(centre_a, "glpi-computers.csv", "glpi")

    desktop = Hardware.objects.get(inventory_tag="INV-PC-014")
    laptop = Hardware.objects.get(name="LT-DIR-007")
    untyped = Hardware.objects.get(inventory_tag="INV-PC-021")
    assert desktop.room == "Verdieping 1 > Bureau 1.02"
    assert desktop.purchase_date is not None
    assert desktop.purchase_date.isoformat() == "2023-09-03"
    assert laptop.kind == "laptop"
    assert laptop.inventory_tag == "LT-DIR-007"
    assert laptop.site == sites_a[1]
    assert laptop.purchase_date is None
    assert untyped.kind == "other"
    assert untyped.site is None


def test_glpi_french_headers(centre_a: Organisation) -> None:
    site = Site.objects.create(organisation=centre_a, name="Maison sociale")

    result = import_file(centre_a, "glpi-computers-fr.csv", "glpi")

    assert result.created == 2
    desktop = Hardware.objects.get(inventory_tag="INV-PC-003")
    laptop = Hardware.objects.get(inventory_tag="INV-LT-011")
    assert desktop.kind == "desktop"
    assert desktop.site == site
    assert desktop.room == "Accueil"
    assert desktop.purchase_date is not None
    assert desktop.purchase_date.isoformat() == "2024-01-15"
    assert laptop.kind == "laptop"
    assert laptop.model == "ProBook 450 G9"


def test_glpi_bad_file_imports_nothing(
    centre_a: Organisation, sites_a: list[Site]
) -> None:
    errors = rejected(centre_a, "glpi-computers-bad.csv", "glpi")

    assert len(errors) == 3
    assert errors[0].startswith("line 3, kind 'Broodrooster': ")
    assert "Broodrooster is not a hardware type" in errors[0]
    assert errors[1].startswith("line 4, purchase_date '31/02/2024': ")
    assert "YYYY-MM-DD" in errors[1]
    assert errors[2].startswith("line 5, site 'Bibliotheek': ")
    assert Hardware.objects.count() == 0


def test_ocs_file_imports_every_row(centre_a: Organisation) -> None:
    result = import_file(centre_a, "ocs-computers.csv", "ocs")

    assert result.created == 3
    server = Hardware.objects.get(inventory_tag="SRV-FILE01")
    laptop = Hardware.objects.get(inventory_tag="LT-SOC-009")
    assert server.kind == "server"
    assert server.serial_number == "4KP2LZ1"
    assert server.user_or_owner == "Administrator"
    assert laptop.kind == "laptop"
    assert laptop.model == "20W0CTO1WW"
    assert Hardware.objects.get(name="PC-SOC-015").kind == "desktop"


def test_ocs_database_headers(centre_a: Organisation) -> None:
    result = import_file(centre_a, "ocs-computers-raw.csv", "ocs")

    assert result.created == 2
    item = Hardware.objects.get(inventory_tag="PC-FIN-003")
    assert item.make == "Dell Inc."
    assert item.model == "OptiPlex 7090"
    assert item.serial_number == "8HX21L4"
    assert item.user_or_owner == "hjacobs"
    assert item.kind == "other"


def test_ocs_bad_file_imports_nothing(centre_a: Organisation) -> None:
    add_hardware(centre_a, "INV-PC-014", serial_number="CZC1234ABC")

    errors = rejected(centre_a, "ocs-computers-bad.csv", "ocs")

    assert len(errors) == 3
    assert errors[0].startswith("line 3, kind 'Koffiezet': ")
    assert errors[1].startswith("line 4, serial_number 'CZC1234ABC': ")
    assert "another item" in errors[1]
    assert errors[2].startswith("line 5, inventory_tag: ")
    assert Hardware.objects.count() == 1


def test_duplicate_serial_within_file(centre_a: Organisation) -> None:
    content = b"Name;Serial number;Type\r\nPC-1;SN-1;Desktop\r\nPC-2;SN-1;Desktop\r\n"
    rows = services.read_rows(HARDWARE, content, "glpi")

    with pytest.raises(services.ImportRejected) as raised:
        services.import_rows(HARDWARE, centre_a, rows, actor=None)

    assert [error.line for error in raised.value.errors] == [3]
    assert Hardware.objects.count() == 0


def test_headers_match_any_case() -> None:
    content = "  NAME ;SERIAL NUMBER;type;Numéro D’Inventaire\nPC-1;SN-1;Laptop;INV-9\n"

    rows = importers.parse_glpi(content.encode())

    assert rows == [
        (
            2,
            {
                "kind": "laptop",
                "name": "PC-1",
                "inventory_tag": "INV-9",
                "serial_number": "SN-1",
                "make": "",
                "model": "",
                "user_or_owner": "",
            },
        )
    ]


def test_windows_1252_file_is_read() -> None:
    content = "Nom;Lieu\r\nPC-1;Maison sociale > Bâtiment B\r\n".encode("cp1252")

    rows = importers.parse_glpi(content)

    assert rows[0][1]["room"] == "Bâtiment B"


def test_file_without_name_column_is_rejected() -> None:
    with pytest.raises(tabular.TableError) as raised:
        importers.parse_ocs(b"OS;SSN\nWindows 11;SN-1\n")

    assert "“computer” is missing" in str(raised.value)


def test_duplicate_source_column_is_rejected() -> None:
    with pytest.raises(tabular.TableError) as raised:
        importers.parse_ocs(b"Computer;Name\nPC-1;PC-1\n")

    assert "more than one column" in str(raised.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rack Mount Chassis", "server"),
        ("  mini   tower ", "desktop"),
        ("Ordinateur portable", "laptop"),
        ("network device", "network"),
        ("Pare-feu", "network"),
        ("", "other"),
        ("Broodrooster", "Broodrooster"),
    ],
)
def test_type_names(text: str, expected: str) -> None:
    assert importers.hardware_kind(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-14", "2024-05-14"),
        ("2024-05-14 08:15", "2024-05-14"),
        ("03/09/2023", "2023-09-03"),
        ("03.09.2023", "2023-09-03"),
        ("15-01-2024", "2024-01-15"),
        ("31/02/2024", "31/02/2024"),
        ("", ""),
    ],
)
def test_dates(text: str, expected: str) -> None:
    assert importers.iso_date(text) == expected


def test_vigil_csv_round_trip(
    centre_a: Organisation, centre_b: Organisation, sites_a: list[Site]
) -> None:
    Site.objects.create(organisation=centre_b, name="Sociaal Huis")
    add_hardware(centre_a, "INV-SRV-01", site="Sociaal Huis", serial_number="7QJ8MX3")
    add_hardware(centre_a, "INV-SRV-02", purchase_date="2023-01-05")
    values = {"name": "Windows Server", "installed_on": "INV-SRV-01; INV-SRV-02"}
    services.create_record(SOFTWARE, centre_a, values, actor=None)

    for spec in (HARDWARE, SOFTWARE):
        exported = services.render_export(spec, queries.records(spec, centre_a), "csv")
        rows = [
            (line, {k: v for k, v in row.items() if k != "id"})
            for line, row in tabular.read_table(exported)
        ]
        services.import_rows(spec, centre_b, rows, actor=None)

    copied = Software.objects.get(organisation=centre_b)
    tags = sorted(item.inventory_tag for item in copied.installed_on.all())
    assert tags == ["INV-SRV-01", "INV-SRV-02"]
    assert {item.organisation_id for item in copied.installed_on.all()} == {centre_b.pk}
    server = Hardware.objects.get(organisation=centre_b, inventory_tag="INV-SRV-01")
    assert server.site is not None
    assert server.site.organisation == centre_b


def test_vigil_xlsx_round_trip_changes_nothing(centre_a: Organisation) -> None:
    add_hardware(centre_a, "INV-SRV-01", kind="server")
    add_hardware(centre_a, "INV-NET-01", kind="network")
    values = {
        "identifier": "UPS-1",
        "protected": "INV-SRV-01; INV-NET-01",
        "capacity_va": "1500",
    }
    unit = services.create_record(UPS_UNITS, centre_a, values, actor=None)
    before = wire.json_values(UPS_UNITS, unit)

    exported = services.render_export(
        UPS_UNITS, queries.records(UPS_UNITS, centre_a), "xlsx"
    )
    result = services.import_rows(
        UPS_UNITS, centre_a, tabular.read_table(exported), actor=None
    )

    unit.refresh_from_db()
    assert (result.created, result.updated) == (0, 1)
    assert wire.json_values(UPS_UNITS, unit) == before
    assert before["protected"] == ["INV-NET-01", "INV-SRV-01"]


def test_import_page_reads_glpi(
    client: Client, consultant_a: User, centre_a: Organisation, sites_a: list[Site]
) -> None:
    client.force_login(consultant_a)
    upload = SimpleUploadedFile("glpi.csv", (DATA / "glpi-computers.csv").read_bytes())

    response = client.post(
        f"/c/{centre_a.slug}/registers/hardware/import/",
        {"format": "glpi", "file": upload},
    )

    assert response.status_code == 302
    assert Hardware.objects.filter(organisation=centre_a).count() == 4


def test_import_page_lists_bad_rows(
    client: Client, consultant_a: User, centre_a: Organisation, sites_a: list[Site]
) -> None:
    client.force_login(consultant_a)
    upload = SimpleUploadedFile(
        "ocs.csv", (DATA / "ocs-computers-bad.csv").read_bytes()
    )

    response = client.post(
        f"/c/{centre_a.slug}/registers/hardware/import/",
        {"format": "ocs", "file": upload},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "line 3, kind" in page
    assert "line 5, inventory_tag" in page
    assert not Hardware.objects.exists()


def test_import_page_unknown_format_in_french(
    client: Client, consultant_a: User, centre_a: Organisation
) -> None:
    client.force_login(consultant_a)
    upload = SimpleUploadedFile("table.csv", b"inventory_tag\nINV-1\n")

    response = client.post(
        f"/c/{centre_a.slug}/registers/hardware/import/",
        {"format": "vigil", "file": upload},
        HTTP_ACCEPT_LANGUAGE="fr",
    )

    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert (
        "format d'import inconnu 'vigil'. Utilisez l'un de ceux-ci\u00a0: "
        "table, glpi, ocs" in page
    )
    assert "unknown import format" not in page
    assert not Hardware.objects.exists()
