"""Demo inventory of a small centre: servers, desktops, a firewall and more."""

import datetime
from typing import Any

from vigil.organisations.models import Organisation, Site
from vigil.registers import services
from vigil.registers.inventory.models import Hardware
from vigil.registers.inventory.specs import (
    CARD_READERS,
    CARDS,
    HARDWARE,
    SOFTWARE,
    UPS_UNITS,
)

# (tag, type, name, make, model, serial, room, user, KSZ flows, age in days)
HARDWARE_ITEMS: tuple[tuple[str, str, str, str, str, str, str, str, bool, int], ...] = (
    (
        "INV-SRV-01",
        Hardware.Kind.SERVER,
        "SRV-DC01",
        "Dell",
        "PowerEdge R450",
        "7QJ8MX3",
        "Serverlokaal",
        "Dienst ICT",
        True,
        900,
    ),
    (
        "INV-SRV-02",
        Hardware.Kind.SERVER,
        "SRV-FILE01",
        "Dell",
        "PowerEdge T350",
        "4KP2LZ1",
        "Serverlokaal",
        "Dienst ICT",
        False,
        700,
    ),
    (
        "INV-NET-01",
        Hardware.Kind.NETWORK,
        "FW-01",
        "Fortinet",
        "FortiGate 60F",
        "FGT60FTK21003417",
        "Serverlokaal",
        "Dienst ICT",
        True,
        800,
    ),
    (
        "INV-PC-014",
        Hardware.Kind.DESKTOP,
        "PC-SOC-014",
        "HP",
        "EliteDesk 800 G6",
        "CZC1234ABC",
        "Sociale dienst, bureau 1.02",
        "An Peeters",
        True,
        1200,
    ),
    (
        "INV-PC-015",
        Hardware.Kind.DESKTOP,
        "PC-SOC-015",
        "HP",
        "EliteDesk 800 G6",
        "CZC1234ABD",
        "Sociale dienst, bureau 1.03",
        "Karim El Amrani",
        True,
        1200,
    ),
    (
        "INV-PC-021",
        Hardware.Kind.DESKTOP,
        "PC-ONT-021",
        "Lenovo",
        "ThinkCentre M70q",
        "MJ0GH2KL",
        "Onthaal",
        "Onthaal",
        False,
        400,
    ),
    (
        "INV-LT-007",
        Hardware.Kind.LAPTOP,
        "LT-DIR-007",
        "Lenovo",
        "ThinkPad T14 Gen 3",
        "PF3XK8QW",
        "Bureau algemeen directeur",
        "Algemeen directeur",
        False,
        500,
    ),
    (
        "INV-PRN-02",
        Hardware.Kind.PRINTER,
        "PRN-SOC-02",
        "Kyocera",
        "ECOSYS M3645idn",
        "VCF9Z01234",
        "Sociale dienst, kopieerlokaal",
        "Sociale dienst",
        False,
        1000,
    ),
)

# (name, version, publisher, licence type, count, reference, tags, end of
# support as days from today, KSZ flows)
SOFTWARE_ITEMS: tuple[tuple[str, str, str, str, str, str, str, int, bool], ...] = (
    (
        "Windows Server",
        "2022 Standard",
        "Microsoft",
        "per_device",
        "2",
        "Raamcontract 2022/014",
        "INV-SRV-01; INV-SRV-02",
        1800,
        True,
    ),
    (
        "Windows 10 Pro",
        "22H2",
        "Microsoft",
        "oem",
        "",
        "Licentie op het toestel (OEM)",
        "INV-PC-014; INV-PC-015",
        -420,
        True,
    ),
    (
        "Windows 11 Pro",
        "24H2",
        "Microsoft",
        "oem",
        "",
        "Licentie op het toestel (OEM)",
        "INV-PC-021; INV-LT-007",
        700,
        False,
    ),
    (
        "Sociaal dossier",
        "5.8",
        "Cevi",
        "subscription",
        "12",
        "Overeenkomst 2021/007",
        "INV-SRV-01; INV-PC-014; INV-PC-015",
        60,
        True,
    ),
    (
        "FortiOS",
        "7.2",
        "Fortinet",
        "subscription",
        "1",
        "FortiCare-contract, portaal van de leverancier",
        "INV-NET-01",
        500,
        True,
    ),
)


def populate(organisation: Organisation, actor: Any, today: datetime.date) -> None:
    if Hardware.objects.filter(organisation=organisation).exists():
        return
    first_site = Site.objects.filter(organisation=organisation).order_by("id").first()
    main_site = first_site.name if first_site else ""
    for tag, kind, name, make, model, serial, room, user, ksz, age in HARDWARE_ITEMS:
        values = {
            "inventory_tag": tag,
            "kind": kind,
            "name": name,
            "make": make,
            "model": model,
            "serial_number": serial,
            "site": main_site,
            "room": room,
            "user_or_owner": user,
            "ksz_flows": ksz,
            "purchase_date": _day(today, -age),
        }
        services.create_record(HARDWARE, organisation, values, actor=actor)
    _populate_software(organisation, actor, today)
    _populate_cards(organisation, actor, today, main_site)
    _populate_ups(organisation, actor, today, main_site)


def _day(today: datetime.date, days: int) -> str:
    return (today + datetime.timedelta(days=days)).isoformat()


def _populate_software(
    organisation: Organisation, actor: Any, today: datetime.date
) -> None:
    for name, version, publisher, licence, count, ref, tags, eos, ksz in SOFTWARE_ITEMS:
        values = {
            "name": name,
            "version": version,
            "publisher": publisher,
            "licence_type": licence,
            "licence_count": count,
            "licence_reference": ref,
            "installed_on": tags,
            "end_of_support": _day(today, eos),
            "ksz_flows": ksz,
        }
        services.create_record(SOFTWARE, organisation, values, actor=actor)


def _populate_cards(
    organisation: Organisation, actor: Any, today: datetime.date, site: str
) -> None:
    readers = (
        ("LEZER-SOC-01", "ACS ACR39U", "INV-PC-014"),
        ("LEZER-SOC-02", "Cherry ST-1144", "INV-PC-015"),
    )
    for identifier, make_model, tag in readers:
        values = {
            "identifier": identifier,
            "make_model": make_model,
            "hardware": tag,
            "site": site,
        }
        services.create_record(CARD_READERS, organisation, values, actor=actor)
    cards = (
        ("Dr. Marc Janssens", "4821", 400, "LEZER-SOC-01", "Kluis secretariaat"),
        ("Sofie Claes", "0937", -30, "LEZER-SOC-02", ""),
    )
    for holder, digits, validity, reader, storage in cards:
        values = {
            "kind": "professional",
            "holder": holder,
            "number_last_digits": digits,
            "valid_until": _day(today, validity),
            "reader": reader,
            "storage": storage,
            "stored_safely": "true" if storage else "false",
        }
        services.create_record(CARDS, organisation, values, actor=actor)


def _populate_ups(
    organisation: Organisation, actor: Any, today: datetime.date, site: str
) -> None:
    values = {
        "identifier": "UPS-SRV-01",
        "make_model": "APC Smart-UPS SMT1500RMI2UC",
        "site": site,
        "protected": "INV-SRV-01; INV-SRV-02; INV-NET-01",
        "capacity_va": "1500",
        "battery_replaced_on": _day(today, -600),
        "last_test_on": _day(today, -120),
        "last_test_result": "passed",
    }
    services.create_record(UPS_UNITS, organisation, values, actor=actor)
