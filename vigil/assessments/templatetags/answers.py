"""Template filters for showing answers and their history."""

from django import template

from vigil.assessments.diff import FIELD_LABELS

register = template.Library()


@register.filter
def field_label(field: str) -> str:
    """Return the translated label of an answer field, or the key itself."""
    label = FIELD_LABELS.get(field)
    return str(label) if label is not None else field
