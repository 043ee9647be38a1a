"""The inventory registers, described for the generic register pages."""

from django.utils.translation import gettext_lazy as _

from vigil.organisations.models import Organisation
from vigil.registers.inventory import importers, notices
from vigil.registers.inventory.forms import HARDWARE_FIELDS, HardwareForm
from vigil.registers.inventory.models import (
    CardReader,
    Hardware,
    ProfessionalCard,
    Software,
    UpsUnit,
)
from vigil.registers.spec import RegisterSpec, register

GROUP = _("Inventory")


def _hardware_example(_organisation: Organisation) -> dict[str, str]:
    return {
        "kind": Hardware.Kind.LAPTOP,
        "name": "LT-SOC-007",
        "make": "Lenovo",
        "model": "ThinkPad L14 Gen 4",
        "serial_number": "PF4K2L9X",
        "inventory_tag": "INV-2024-031",
        "room": "Sociale dienst, bureau 1.04",
        "user_or_owner": "An Peeters",
        "ksz_flows": "true",
        "purchase_date": "2024-02-12",
    }


def _software_example(_organisation: Organisation) -> dict[str, str]:
    return {
        "name": "Microsoft Office LTSC Standard",
        "version": "2021",
        "publisher": "Microsoft",
        "licence_type": Software.Licence.SITE,
        "licence_count": "25",
        "licence_reference": "Raamcontract 2022/014, sleutels in de kluis",
        "end_of_support": "2026-10-13",
        "ksz_flows": "false",
    }


def _reader_example(_organisation: Organisation) -> dict[str, str]:
    return {
        "identifier": "LEZER-01",
        "make_model": "ACS ACR39U",
        "notes": "Aan het onthaal, USB",
    }


def _card_example(_organisation: Organisation) -> dict[str, str]:
    return {
        "kind": ProfessionalCard.Kind.PROFESSIONAL,
        "holder": "Dr. Marc Janssens",
        "number_last_digits": "4821",
        "valid_until": "2027-06-30",
        "storage": "Kluis in het bureau van de secretaris",
        "stored_safely": "true",
    }


def _ups_example(_organisation: Organisation) -> dict[str, str]:
    return {
        "identifier": "UPS-SRV-01",
        "make_model": "APC Smart-UPS SMT1500RMI2UC",
        "capacity_va": "1500",
        "battery_replaced_on": "2024-05-06",
        "last_test_on": "2026-03-02",
        "last_test_result": UpsUnit.Result.PASSED,
    }


HARDWARE = RegisterSpec(
    slug="hardware",
    model=Hardware,
    title=_("Hardware"),
    description=_(
        "Every computer, server, network device, printer, phone and other IT "
        "item, where it is, who uses it, and how it was disposed of."
    ),
    group=GROUP,
    fields=HARDWARE_FIELDS,
    columns=(
        "inventory_tag",
        "kind",
        "name",
        "make",
        "model",
        "site",
        "user_or_owner",
        "ksz_flows",
        "disposal_date",
    ),
    catalog_keys=("inventory",),
    example=_hardware_example,
    search=(
        "inventory_tag",
        "name",
        "make",
        "model",
        "serial_number",
        "room",
        "user_or_owner",
    ),
    filters=("kind", "ksz_flows", "disposal_method"),
    ordering=("inventory_tag", "id"),
    lookups={"site": "name"},
    form=HardwareForm,
    summary=notices.hardware_summary,
    detail_template="inventory/hardware_detail.html",
    import_formats=(importers.GLPI, importers.OCS),
)

SOFTWARE = RegisterSpec(
    slug="software",
    model=Software,
    title=_("Software"),
    description=_(
        "The software in use, its licences (never the keys), the hardware it "
        "is installed on and the end of its support."
    ),
    group=GROUP,
    fields=(
        "name",
        "version",
        "publisher",
        "licence_type",
        "licence_count",
        "licence_reference",
        "installed_on",
        "end_of_support",
        "ksz_flows",
        "notes",
    ),
    columns=(
        "name",
        "version",
        "publisher",
        "licence_type",
        "licence_count",
        "end_of_support",
        "ksz_flows",
    ),
    catalog_keys=("inventory",),
    example=_software_example,
    search=("name", "version", "publisher", "licence_reference", "notes"),
    filters=("licence_type", "ksz_flows"),
    ordering=("name", "version", "id"),
    lookups={"installed_on": "inventory_tag"},
    summary=notices.software_summary,
    warnings=notices.software_warnings,
    detail_template="inventory/software_detail.html",
)

CARD_READERS = RegisterSpec(
    slug="card-readers",
    model=CardReader,
    title=_("Card readers"),
    description=_(
        "The readers for the health-care professional card and the eID, the "
        "hardware they are attached to and their site."
    ),
    group=GROUP,
    fields=("identifier", "make_model", "hardware", "site", "notes"),
    columns=("identifier", "make_model", "hardware", "site"),
    catalog_keys=("cards",),
    example=_reader_example,
    search=("identifier", "make_model", "notes"),
    ordering=("identifier", "id"),
    lookups={"hardware": "inventory_tag", "site": "name"},
    summary=notices.reader_summary,
)

CARDS = RegisterSpec(
    slug="cards",
    model=ProfessionalCard,
    title=_("Professional cards"),
    description=_(
        "The health-care professional cards and eID cards used to reach the "
        "KSZ/BCSS network: holder, last digits, validity and where each card "
        "is kept when not in use."
    ),
    group=GROUP,
    fields=(
        "kind",
        "holder",
        "number_last_digits",
        "valid_until",
        "reader",
        "storage",
        "stored_safely",
        "notes",
    ),
    columns=(
        "holder",
        "kind",
        "number_last_digits",
        "valid_until",
        "reader",
        "storage",
        "stored_safely",
    ),
    catalog_keys=("cards",),
    example=_card_example,
    search=("holder", "number_last_digits", "storage", "notes"),
    filters=("kind", "stored_safely"),
    ordering=("holder", "id"),
    lookups={"reader": "identifier"},
    summary=notices.card_summary,
    warnings=notices.card_warnings,
)

UPS_UNITS = RegisterSpec(
    slug="ups",
    model=UpsUnit,
    title=_("UPS units"),
    description=_(
        "The uninterruptible power supplies, the equipment each protects, the "
        "battery replacements and the tests."
    ),
    group=GROUP,
    fields=(
        "identifier",
        "make_model",
        "site",
        "protected",
        "capacity_va",
        "battery_replaced_on",
        "last_test_on",
        "last_test_result",
        "notes",
    ),
    columns=(
        "identifier",
        "make_model",
        "site",
        "capacity_va",
        "last_test_on",
        "last_test_result",
    ),
    catalog_keys=("inventory",),
    example=_ups_example,
    search=("identifier", "make_model", "notes"),
    filters=("last_test_result",),
    ordering=("identifier", "id"),
    lookups={"site": "name", "protected": "inventory_tag"},
    summary=notices.ups_summary,
    warnings=notices.ups_warnings,
)

SPECS = (HARDWARE, SOFTWARE, CARD_READERS, CARDS, UPS_UNITS)


def connect() -> None:
    for spec in SPECS:
        register(spec)
