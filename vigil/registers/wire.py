"""Register records as wire values: text for files, JSON types for the API.

A foreign key is written as the related record's lookup value (see
``RegisterSpec.lookups``), and several related records are joined by
``"; "``. Dates are ISO 8601, booleans ``true`` or ``false`` and choices
their stored code, so an export imports again unchanged.
"""

import datetime
import decimal
from typing import Any

from django.db import models

from vigil.registers.models import RegisterRecord
from vigil.registers.spec import RegisterSpec

ID = "id"


def header(spec: RegisterSpec) -> list[str]:
    return [ID, *spec.fields]


def labels(spec: RegisterSpec) -> list[str]:
    names = [str(spec.model_field(name).verbose_name) for name in spec.fields]
    return ["id", *names]


def text_row(spec: RegisterSpec, record: RegisterRecord) -> list[str]:
    """Return the record's export row, in the order of :func:`header`."""
    values = json_values(spec, record)
    return [_text(values[name]) for name in header(spec)]


def json_values(spec: RegisterSpec, record: RegisterRecord) -> dict[str, Any]:
    """Return the record's fields as JSON-ready values, with its id."""
    values: dict[str, Any] = {ID: record.pk}
    for name in spec.fields:
        values[name] = field_value(spec, record, spec.model_field(name))
    return values


def field_value(
    spec: RegisterSpec, record: models.Model, model_field: "models.Field[Any, Any]"
) -> Any:
    if isinstance(model_field, models.ManyToManyField):
        if record.pk is None:
            return []
        lookup = spec.lookup_of(model_field.name)
        related = getattr(record, model_field.name).all()
        return sorted(str(_attribute(item, lookup)) for item in related)
    if isinstance(model_field, models.ForeignKey):
        related = getattr(record, model_field.name)
        if related is None:
            return None
        return _plain(_attribute(related, spec.lookup_of(model_field.name)))
    return _plain(getattr(record, model_field.attname))


def _attribute(instance: models.Model, path: str) -> Any:
    value: Any = instance
    for part in path.split("__"):
        value = getattr(value, part)
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        # One moment has one text, whichever zone the form or database gave.
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return str(value)
