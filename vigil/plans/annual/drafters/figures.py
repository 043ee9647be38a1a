"""Number formats of the drafted text, as Belgian documents write them."""

from collections.abc import Sequence
from decimal import Decimal

from vigil.reports.document import Table

DASH = "—"


def decimal_text(value: Decimal | None, places: int = 1) -> str:
    """Format ``value`` with ``places`` decimals and a decimal comma: 12,5."""
    if value is None:
        return DASH
    quantum = Decimal(1).scaleb(-places)
    text = f"{value.quantize(quantum):,.{places}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def percent(value: Decimal | None) -> str:
    """Format a percentage with one decimal: 72,5 %."""
    if value is None:
        return DASH
    return f"{decimal_text(value)} %"


def euros(value: Decimal | None) -> str:
    """Format an amount in euros with two decimals: 12.345,67."""
    return decimal_text(value, 2)


def table(
    header: tuple[str, ...],
    rows: Sequence[tuple[str, ...]],
    footer: tuple[tuple[str, ...], ...] = (),
    widths: tuple[int, ...] = (),
) -> Table:
    return Table(header=header, rows=tuple(rows), footer=footer, widths=widths)
