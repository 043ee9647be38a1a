"""Reading the computer lists that GLPI and OCS Inventory export as CSV.

Each parser turns the export into rows of hardware wire values, keyed by
the hardware register's field names, with the file's line numbers. Header
names are matched case-insensitively, with surrounding spaces ignored and a
typographic apostrophe read as a straight one. Columns not listed here are
ignored. Values are not checked here: an unknown type, a bad date or an
unknown site reaches the hardware form as written, which rejects the row
with its line number, so nothing of the file is saved.

docs/inventory-import.md lists the columns and type names for users.
"""

import csv
import datetime
import io
from collections.abc import Mapping, Sequence

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vigil.registers.inventory.models import Hardware
from vigil.registers.spec import ImportFormat, Rows
from vigil.registers.tabular import (
    MAX_ROWS,
    TableError,
    too_many_rows,
    unreadable_csv,
)

Kind = Hardware.Kind

# Type names that GLPI, OCS Inventory (the SMBIOS chassis types) and
# administrators commonly use, in English, Dutch and French, lower case.
TYPE_NAMES: Mapping[str, str] = {
    **{kind.value: kind.value for kind in Kind},
    "": Kind.OTHER,
    # Desktops and workstations.
    "pc": Kind.DESKTOP,
    "tower": Kind.DESKTOP,
    "mini tower": Kind.DESKTOP,
    "low profile desktop": Kind.DESKTOP,
    "space-saving": Kind.DESKTOP,
    "space saving": Kind.DESKTOP,
    "all in one": Kind.DESKTOP,
    "all-in-one": Kind.DESKTOP,
    "mini pc": Kind.DESKTOP,
    "workstation": Kind.DESKTOP,
    "thin client": Kind.DESKTOP,
    "vaste pc": Kind.DESKTOP,
    "werkstation": Kind.DESKTOP,
    "poste fixe": Kind.DESKTOP,
    "poste de travail": Kind.DESKTOP,
    "ordinateur de bureau": Kind.DESKTOP,
    "station de travail": Kind.DESKTOP,
    "tour": Kind.DESKTOP,
    # Laptops.
    "notebook": Kind.LAPTOP,
    "sub notebook": Kind.LAPTOP,
    "portable": Kind.LAPTOP,
    "convertible": Kind.LAPTOP,
    "detachable": Kind.LAPTOP,
    "ordinateur portable": Kind.LAPTOP,
    "draagbare pc": Kind.LAPTOP,
    # Servers.
    "rack mount chassis": Kind.SERVER,
    "main server chassis": Kind.SERVER,
    "blade": Kind.SERVER,
    "serveur": Kind.SERVER,
    # The other kinds.
    "tablette": Kind.TABLET,
    "smartphone": Kind.PHONE,
    "telefoon": Kind.PHONE,
    "téléphone": Kind.PHONE,
    "network device": Kind.NETWORK,
    "switch": Kind.NETWORK,
    "router": Kind.NETWORK,
    "firewall": Kind.NETWORK,
    "netwerkapparaat": Kind.NETWORK,
    "équipement réseau": Kind.NETWORK,
    "pare-feu": Kind.NETWORK,
    "printer": Kind.PRINTER,
    "imprimante": Kind.PRINTER,
    "nas": Kind.STORAGE,
    "san": Kind.STORAGE,
    "opslag": Kind.STORAGE,
    "stockage": Kind.STORAGE,
    "unknown": Kind.OTHER,
    "andere": Kind.OTHER,
    "onbekend": Kind.OTHER,
    "autre": Kind.OTHER,
    "inconnu": Kind.OTHER,
}

DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%d-%m-%Y")
DATE_FORMATS_DAY_FIRST = ("%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y %H:%M")

# The source columns of each export, by the header names read for them.
GLPI_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "name": ("name", "nom"),
    "inventory_number": ("inventory number", "numéro d'inventaire"),
    "serial_number": ("serial number", "numéro de série"),
    "type": ("type",),
    "make": ("manufacturer", "fabricant"),
    "model": ("model", "modèle"),
    "location": ("location", "lieu"),
    "user": ("user", "utilisateur"),
    "purchase_date": ("date of purchase", "purchase date", "date d'achat"),
}

OCS_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "name": ("computer", "name", "computer name", "machine", "nom"),
    "serial_number": ("serial number", "ssn", "numéro de série"),
    "type": ("type", "chassis type"),
    "make": ("manufacturer", "smanufacturer", "fabricant"),
    "model": ("model", "smodel", "modèle"),
    "user": ("user", "userid", "last user", "utilisateur"),
}

LOCATION_SEPARATOR = " > "


def normalise_header(name: str) -> str:
    """Return a header name as it is compared: lower case, single spaces."""
    cleaned = name.replace("\u2019", "'").replace("\ufeff", "")
    return " ".join(cleaned.split()).lower()


def hardware_kind(text: str) -> str:
    """Return the hardware type code for a type name, or the name unchanged.

    An unknown name is returned as written so the form rejects it and names
    it in the error.
    """
    return TYPE_NAMES.get(" ".join(text.split()).lower(), text)


def iso_date(text: str) -> str:
    """Return a date as ``YYYY-MM-DD``, or the text unchanged when unreadable.

    A date that does not start with the year is read day first, as Belgian
    settings write it.
    """
    text = text.strip()
    for fmt in (*DATE_FORMATS, *DATE_FORMATS_DAY_FIRST):
        try:
            parsed = datetime.datetime.strptime(text, fmt)  # noqa: DTZ007, a calendar day
            return parsed.date().isoformat()
        except ValueError:
            continue
    return text


def read_csv(content: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Return the header and the numbered rows of a CSV export.

    A file that is not valid UTF-8 is read as Windows-1252, the encoding in
    which a spreadsheet on a Western European Windows saves plain CSV.
    """
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, [])
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as error:
        raise TableError(unreadable_csv(reader.line_num, error)) from None
    return header, rows


def column_positions(
    header: Sequence[str], columns: Mapping[str, tuple[str, ...]], source: str
) -> dict[str, int]:
    """Return the position of each known source column found in the header."""
    names = [normalise_header(name) for name in header]
    positions: dict[str, int] = {}
    for key, accepted in columns.items():
        found = [index for index, name in enumerate(names) if name in accepted]
        if len(found) > 1:
            raise TableError(
                gettext(
                    "the %(source)s file has more than one column for "
                    "“%(column)s”; remove the duplicate"
                )
                % {"source": source, "column": accepted[0]}
            )
        if found:
            positions[key] = found[0]
    if "name" not in positions:
        raise TableError(
            gettext(
                "the column “%(column)s” is missing, so this is not a computers "
                "export of %(source)s; export the computers list from %(source)s"
            )
            % {"source": source, "column": columns["name"][0]}
        )
    return positions


def source_rows(
    content: bytes, columns: Mapping[str, tuple[str, ...]], source: str
) -> list[tuple[int, dict[str, str]]]:
    """Return each non-blank row as source column values, with its line."""
    header, rows = read_csv(content)
    positions = column_positions(header, columns, source)
    found: list[tuple[int, dict[str, str]]] = []
    for line, values in rows:
        if not any(value.strip() for value in values):
            continue
        if len(found) >= MAX_ROWS:
            raise TableError(too_many_rows())
        found.append(
            (
                line,
                {
                    key: values[index].strip() if index < len(values) else ""
                    for key, index in positions.items()
                },
            )
        )
    return found


def split_location(location: str) -> tuple[str, str]:
    """Split a GLPI location ``Building > Floor > Room`` into site and room."""
    site, _separator, room = location.partition(LOCATION_SEPARATOR)
    return site.strip(), room.strip()


def glpi_hardware(values: Mapping[str, str]) -> dict[str, str]:
    """Map one GLPI computer to hardware wire values."""
    row = {
        "kind": hardware_kind(values.get("type", "")),
        "name": values["name"],
        "inventory_tag": values.get("inventory_number") or values["name"],
        "serial_number": values.get("serial_number", ""),
        "make": values.get("make", ""),
        "model": values.get("model", ""),
        "user_or_owner": values.get("user", ""),
    }
    if "location" in values:
        row["site"], row["room"] = split_location(values["location"])
    if "purchase_date" in values:
        row["purchase_date"] = iso_date(values["purchase_date"])
    return row


def ocs_hardware(values: Mapping[str, str]) -> dict[str, str]:
    """Map one OCS Inventory computer to hardware wire values."""
    return {
        "kind": hardware_kind(values.get("type", "")),
        "name": values["name"],
        "inventory_tag": values["name"],
        "serial_number": values.get("serial_number", ""),
        "make": values.get("make", ""),
        "model": values.get("model", ""),
        "user_or_owner": values.get("user", ""),
    }


def parse_glpi(content: bytes) -> Rows:
    rows = source_rows(content, GLPI_COLUMNS, "GLPI")
    return [(line, glpi_hardware(values)) for line, values in rows]


def parse_ocs(content: bytes) -> Rows:
    rows = source_rows(content, OCS_COLUMNS, "OCS Inventory")
    return [(line, ocs_hardware(values)) for line, values in rows]


GLPI = ImportFormat(
    name="glpi",
    label=_("GLPI computers export (CSV)"),
    parse=parse_glpi,
    help=_(
        "The CSV export of GLPI's computers list, with English or French "
        "headers. Vigil reads Name, Inventory number (the name when it is "
        "empty), Serial number, Type, Manufacturer, Model, Location (the part "
        "before the first “>” is the site), User and Date of purchase, and "
        "ignores the other columns."
    ),
)

OCS = ImportFormat(
    name="ocs",
    label=_("OCS Inventory computers export (CSV)"),
    parse=parse_ocs,
    help=_(
        "The CSV export of OCS Inventory's computers list. Vigil reads "
        "Computer (also used as the inventory tag), Serial number, "
        "Manufacturer, Model, Type and User, or their database names NAME, "
        "SSN, SMANUFACTURER, SMODEL and USERID, and ignores the other columns, "
        "such as OS."
    ),
)
