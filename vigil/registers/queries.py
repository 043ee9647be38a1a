"""Listing a register: search, filters and the values shown in its columns."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Q

from vigil.organisations.models import Organisation
from vigil.registers.models import RegisterRecord
from vigil.registers.spec import RegisterSpec


@dataclass(frozen=True)
class Filter:
    """One filter of a list page: its field, label, choices and chosen value."""

    name: str
    label: str
    choices: list[tuple[str, str]]
    value: str


def records(spec: RegisterSpec, organisation: Organisation) -> "models.QuerySet[Any]":
    """All records of one centre's register, in the spec's order."""
    queryset = spec.model._default_manager.filter(organisation=organisation)
    related = [
        name
        for name in spec.columns
        if isinstance(spec.model._meta.get_field(name), models.ForeignKey)
    ]
    if related:
        queryset = queryset.select_related(*related)
    return queryset.order_by(*spec.ordering)


def search(
    spec: RegisterSpec,
    queryset: "models.QuerySet[Any]",
    text: str,
    chosen: Mapping[str, str],
) -> "models.QuerySet[Any]":
    """Narrow ``queryset`` by free text over the search fields and by filters."""
    # PostgreSQL text cannot hold NUL, so a search for it would fail there.
    text = text.replace("\x00", "").strip()
    if text and spec.search:
        condition = Q()
        for name in spec.search:
            condition |= Q(**{f"{name}__icontains": text})
        queryset = queryset.filter(condition)
    for item in filters(spec, queryset, chosen):
        if item.value:
            value: Any = item.value
            if item.value in ("true", "false"):
                value = item.value == "true"
            queryset = queryset.filter(**{item.name: value})
    return queryset


def filters(
    spec: RegisterSpec, queryset: "models.QuerySet[Any]", chosen: Mapping[str, str]
) -> list[Filter]:
    """Return the spec's filters with their choices and the value chosen.

    A foreign key offers the related records that the centre's records in
    ``queryset`` use, so its choices never name another centre's records.
    """
    model = queryset.model
    found: list[Filter] = []
    for name in spec.filters:
        field = model._meta.get_field(name)
        if not isinstance(field, models.Field):
            raise TypeError(f"{model.__name__}.{name} cannot be a filter")
        choices = _choices(field, queryset)
        value = chosen.get(name, "")
        if value not in {code for code, _label in choices}:
            value = ""
        found.append(Filter(name, str(field.verbose_name), choices, value))
    return found


def _choices(
    field: "models.Field[Any, Any]", queryset: "models.QuerySet[Any]"
) -> list[tuple[str, str]]:
    if isinstance(field, models.ForeignKey):
        related = field.related_model
        if not (isinstance(related, type) and issubclass(related, models.Model)):
            return []
        used = related._default_manager.filter(
            pk__in=queryset.values(field.attname)
        ).order_by("pk")
        return [(str(item.pk), str(item)) for item in used]
    if isinstance(field, models.BooleanField):
        from django.utils.translation import gettext as _

        return [("true", _("Yes")), ("false", _("No"))]
    if field.choices:
        return [(str(code), str(label)) for code, label in field.flatchoices]
    return []


def headings(spec: RegisterSpec) -> list[str]:
    """Return the labels of the list columns."""
    found = []
    for name in spec.columns:
        field = spec.model._meta.get_field(name)
        found.append(str(getattr(field, "verbose_name", name)))
    return found


def cells(spec: RegisterSpec, record: RegisterRecord) -> list[Any]:
    """Return the display values of a record's list columns."""
    return [display(record, name) for name in spec.columns]


def display(record: models.Model, name: str) -> Any:
    """Return a field's value as a person reads it: choice labels, not codes."""
    field = record._meta.get_field(name)
    if isinstance(field, models.ManyToManyField):
        return ", ".join(str(item) for item in getattr(record, name).all())
    if isinstance(field, models.Field) and field.choices:
        method = getattr(record, f"get_{name}_display", None)
        if method is not None:
            return method()
    return getattr(record, name)


def detail_rows(spec: RegisterSpec, record: RegisterRecord) -> list[tuple[str, Any]]:
    """Return (label, display value) for every field of the record's spec."""
    return [
        (str(spec.model_field(name).verbose_name), display(record, name))
        for name in spec.fields
    ]
