"""Descriptions of the registers: what each keeps and how it is shown.

A register is a model derived from :class:`RegisterRecord` plus a
:class:`RegisterSpec` that names its editable fields, list columns, search
and filter fields, the catalog register keys it serves and a few hooks.
Every generic part (pages, imports, exports, REST endpoints, evidence on the
questionnaire) reads the spec, so a register app declares its spec in its
``AppConfig.ready`` with :func:`register` and gets all of them.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.functional import Promise

from vigil.accounts.roles import Capability
from vigil.audit.display import (
    Subject,
    current_text,
    register_lookups,
    register_object_label,
)
from vigil.organisations.models import Organisation

if TYPE_CHECKING:
    from django import forms

    from vigil.registers.models import RegisterRecord

type Text = str | Promise
type Rows = list[tuple[int, dict[str, str]]]
type Importer = Callable[[bytes], Rows]


@dataclass(frozen=True)
class ImportFormat:
    """A file format a register can import besides Vigil's own CSV and XLSX.

    ``parse`` turns the file into rows of wire values keyed by the spec's
    field names, each with the line number to report errors on; it raises
    :class:`vigil.registers.tabular.TableError` for a file it cannot read.
    """

    name: str
    label: Text
    parse: Importer
    help: Text = ""


@dataclass(frozen=True)
class RegisterSpec:
    """How one register is edited, listed, searched, exchanged and linked."""

    slug: str
    model: "type[RegisterRecord]"
    title: Text
    fields: tuple[str, ...]
    columns: tuple[str, ...]
    catalog_keys: tuple[str, ...]
    example: Callable[[Organisation], dict[str, str]]
    description: Text = ""
    group: Text = ""
    search: tuple[str, ...] = ()
    filters: tuple[str, ...] = ()
    ordering: tuple[str, ...] = ("-id",)
    lookups: Mapping[str, str] = field(default_factory=dict)
    form: "type[forms.ModelForm[Any]] | None" = None
    summary: Callable[[Organisation], list[str]] | None = None
    warnings: Callable[[Organisation], list[str]] | None = None
    detail_template: str | None = None
    import_formats: tuple[ImportFormat, ...] = ()
    edit_capability: Capability = Capability.EDIT_REGISTERS
    # Sentences for the deletion page on what else deleting a record changes.
    delete_notes: "Callable[[RegisterRecord], list[str]] | None" = None
    # Called with the record and the actor inside the deletion's transaction,
    # before the record is deleted, to update the records that refer to it.
    before_delete: "Callable[[RegisterRecord, Any], None] | None" = None

    @property
    def label(self) -> str:
        """The model label used for history entries, ``app_label.model``."""
        return self.model._meta.label_lower

    def model_field(self, name: str) -> "models.Field[Any, Any]":
        found = self.model._meta.get_field(name)
        if not isinstance(found, models.Field):
            raise TypeError(f"{self.model.__name__}.{name} is not a concrete field")
        return found

    def lookup_of(self, name: str) -> str:
        """Return the related field that identifies a foreign key in files."""
        return self.lookups.get(name, "pk")

    def import_format(self, name: str) -> ImportFormat | None:
        return next((fmt for fmt in self.import_formats if fmt.name == name), None)


REGISTERS: dict[str, RegisterSpec] = {}


def register(spec: RegisterSpec) -> RegisterSpec:
    """Make a register known to the generic pages; its slug must be unique."""
    known = REGISTERS.get(spec.slug)
    if known is not None and known.model is not spec.model:
        raise ValueError(f"register slug {spec.slug!r} is already taken")
    for name in (*spec.columns, *spec.search, *spec.filters):
        spec.model._meta.get_field(name.split("__", 1)[0])
    for name in spec.fields:
        spec.model_field(name)
    REGISTERS[spec.slug] = spec
    register_lookups(spec.label, spec.lookups)
    # A record's text can contain choice labels, so the trail shows it as it
    # now reads in the reader's language, as it shows related records. An
    # import stores the register's title as its label.
    register_object_label(spec.label, partial(_object_label, spec))
    return spec


def _object_label(spec: RegisterSpec, subject: Subject) -> str | None:
    """Return the label of an audit entry of ``spec``'s register, translated."""
    if subject.action == "register.imported":
        return str(spec.title)
    return current_text(subject)


def get_spec(slug: str) -> RegisterSpec | None:
    return REGISTERS.get(slug)


def specs_for_key(key: str) -> list[RegisterSpec]:
    """Return the registers that serve a catalog register key, in slug order."""
    return sorted(
        (spec for spec in REGISTERS.values() if key in spec.catalog_keys),
        key=lambda spec: spec.slug,
    )


def spec_of(record: models.Model) -> RegisterSpec | None:
    """Return the spec of a record's model, if it is a register."""
    return next(
        (spec for spec in REGISTERS.values() if isinstance(record, spec.model)), None
    )
