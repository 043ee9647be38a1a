"""Amounts in euros on the plan and budget pages, as the texts under them show them."""

from decimal import Decimal

from django import template

from vigil.plans.security import budget

register = template.Library()


@register.filter
def euros(amount: Decimal | None) -> str:
    """Format ``amount`` like ``budget.euros``; "" for None, so that
    ``default`` can show a dash."""
    return budget.euros(amount) if amount is not None else ""
