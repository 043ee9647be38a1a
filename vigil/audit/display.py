"""Old and new values of audit entries as a person reads them.

The trail stores wire values keyed by attribute name, such as
``{"origin": "gap", "plan": 3}``. This module turns them into labelled lines
without changing what is stored: labels come from the model fields' verbose
names, codes become their choice labels and ids of related records their
current text. All of it is put together in the reader's language when the
trail is shown.
"""

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

EMPTY = "—"

# A field or the reverse side of a relation, as ``Options.get_field`` returns.
type ModelField = models.Field[Any, Any] | models.ForeignObjectRel

# Per object type (``app_label.model``), the field of a related record that
# a stored value names when it is not the primary key, e.g. a register's
# lookup field. Such values are shown as stored.
FIELD_LOOKUPS: dict[str, Mapping[str, str]] = {}
# Per object type, the labels of stored keys that name no model field, such
# as search criteria or a flag that a service records.
KEY_LABELS: dict[str, Mapping[str, Any]] = {}
# Per object type, a function that turns the stored values into the values
# to show, such as a message stored in English into the reader's language.
PRESENTERS: dict[str, Callable[[Mapping[str, Any]], Mapping[str, Any]]] = {}
# Per object type, the fields of other models whose values stored keys carry,
# such as the decision of a review line stored on the review. A field gives
# the key's label and the text of its codes.
KEY_FIELDS: dict[str, Mapping[str, ModelField]] = {}
# Per object type, functions that give the text of a key's stored value,
# for codes that no field's choices list, such as a report's section keys.
KEY_TEXTS: dict[str, Mapping[str, "KeyText"]] = {}
# Per action, labels, fields and key texts as above, for keys that entries
# of that action store on any object type, such as an attachment's file name
# on each register's records. They take precedence over the object type's.
ACTION_KEY_LABELS: dict[str, Mapping[str, Any]] = {}
ACTION_KEY_FIELDS: dict[str, Mapping[str, ModelField]] = {}
ACTION_KEY_TEXTS: dict[str, Mapping[str, "KeyText"]] = {}
# Per object type, a function that gives an entry's object label in the
# active language, or None to show the label stored with the entry.
OBJECT_LABELS: dict[str, "ObjectLabel"] = {}
# Per object type, the label of a type whose model has no verbose name.
TYPE_LABELS: dict[str, Any] = {}


@dataclass(frozen=True)
class ValueLine:
    """One stored value: the field's label and the value's text."""

    label: str
    text: str


@dataclass(frozen=True)
class Subject:
    """The object that an audit entry is about, as the entry stores it."""

    object_type: str
    organisation_id: int | None
    object_id: str = ""
    action: str = ""
    stored_label: str = ""


KeyText = Callable[[Any, Subject], str]
ObjectLabel = Callable[[Subject], str | None]


def register_lookups(object_type: str, lookups: Mapping[str, str]) -> None:
    """Record which related-record fields of ``object_type`` store a lookup value."""
    FIELD_LOOKUPS[object_type] = dict(lookups)


def register_labels(object_type: str, labels: Mapping[str, Any]) -> None:
    """Record the labels of stored keys of ``object_type`` that name no field.

    ``labels`` maps a key to a lazily translated label. The trail then shows
    the value of such a key as stored, without reading it through a model
    field of the same name.
    """
    KEY_LABELS[object_type] = {**KEY_LABELS.get(object_type, {}), **labels}


def register_presenter(
    object_type: str, presenter: Callable[[Mapping[str, Any]], Mapping[str, Any]]
) -> None:
    """Record the function that turns stored values of ``object_type`` into shown ones.

    ``presenter`` gets the stored values and returns those to show, in the
    order to show them, without changing what is stored.
    """
    PRESENTERS[object_type] = presenter


def register_key_fields(object_type: str, fields: Mapping[str, ModelField]) -> None:
    """Record stored keys of ``object_type`` whose values are those of ``fields``.

    Each key is then labelled with its field's verbose name, unless
    ``register_labels`` gives it a label, and a code in its value is shown as
    the field's choice label.
    """
    KEY_FIELDS[object_type] = {**KEY_FIELDS.get(object_type, {}), **fields}


def register_key_texts(object_type: str, texts: Mapping[str, KeyText]) -> None:
    """Record functions that give the text of stored values of ``object_type``.

    A function gets the stored value and the entry's subject and returns the
    text in the active language. Label such a key with ``register_labels``
    or ``register_key_fields``.
    """
    KEY_TEXTS[object_type] = {**KEY_TEXTS.get(object_type, {}), **texts}


def register_action_keys(
    action: str,
    *,
    labels: Mapping[str, Any] | None = None,
    fields: Mapping[str, ModelField] | None = None,
    texts: Mapping[str, KeyText] | None = None,
) -> None:
    """Record labels, key fields and key texts of the keys that ``action`` stores.

    They apply to entries of ``action`` whatever their object type, and take
    precedence over those registered for the object type, so a key can mean
    something else in an action than the model field of the same name.
    """
    ACTION_KEY_LABELS[action] = {**ACTION_KEY_LABELS.get(action, {}), **(labels or {})}
    ACTION_KEY_FIELDS[action] = {**ACTION_KEY_FIELDS.get(action, {}), **(fields or {})}
    ACTION_KEY_TEXTS[action] = {**ACTION_KEY_TEXTS.get(action, {}), **(texts or {})}


def register_object_label(object_type: str, label: ObjectLabel) -> None:
    """Record the function that gives the object label of entries of ``object_type``.

    The stored label is in the language of the user who made the change.
    The function gives it in the reader's language, or None to show the
    stored label, e.g. when the object no longer exists.
    """
    OBJECT_LABELS[object_type] = label


def register_type_label(object_type: str, label: Any) -> None:
    """Record the lazily translated label of a type whose model has no verbose name."""
    TYPE_LABELS[object_type] = label


def current_text(subject: Subject) -> str | None:
    """Return the text of the entry's object as it now reads, or None if it is gone.

    The object is looked up in the entry's organisation, as the trail shows
    related records. Use it for objects whose text contains choice labels
    or other translated words.
    """
    model = _model(subject.object_type)
    object_id = subject.object_id
    if model is None or not (object_id.isascii() and object_id.isdigit()):
        return None
    queryset = model._default_manager.filter(pk=int(object_id))
    tenant_field = getattr(model, "tenant_field", None)
    if tenant_field:
        queryset = queryset.filter(**{f"{tenant_field}_id": subject.organisation_id})
    found = queryset.first()
    return str(found) if found is not None else None


def record_text(model: type[models.Model]) -> KeyText:
    """Return a key text that shows the ``model`` record whose id a key stores.

    The record is looked up in the entry's organisation, so ``model`` needs
    a ``tenant_field``, and shown as it now reads. The stored id is shown
    when the record is gone.
    """
    tenant_field = getattr(model, "tenant_field", None)
    if not tenant_field:
        raise ValueError(f"{model._meta.label} has no tenant_field to look it up by")

    def text(value: Any, subject: Subject) -> str:
        pk = str(value)
        if not (pk.isascii() and pk.isdigit()):
            return pk
        found = model._default_manager.filter(
            pk=int(pk), **{f"{tenant_field}_id": subject.organisation_id}
        ).first()
        return str(found) if found is not None else pk

    return text


def object_type_label(object_type: str) -> str:
    """Return the verbose name of a model label, or "" when it names no model."""
    if object_type in TYPE_LABELS:
        return capfirst(str(TYPE_LABELS[object_type]))
    model = _model(object_type)
    return capfirst(str(model._meta.verbose_name)) if model is not None else ""


def object_label(subject: Subject) -> str:
    """Return the entry's object label in the active language where it can be."""
    function = OBJECT_LABELS.get(subject.object_type)
    shown = function(subject) if function is not None else None
    return shown if shown is not None else subject.stored_label


def value_lines(
    object_type: str,
    organisation_id: int | None,
    values: Mapping[str, Any],
    subject: Subject | None = None,
) -> list[ValueLine]:
    """Return a labelled, readable line for each stored value, in stored order."""
    presenter = PRESENTERS.get(object_type)
    if presenter is not None:
        values = presenter(values)
    subject = subject or Subject(object_type, organisation_id)
    keys = _Keys.of(object_type, subject.action)
    lookups = FIELD_LOOKUPS.get(object_type, {})
    lines = []
    for key, value in values.items():
        field = keys.field(key)
        label = keys.label(key, field)
        if label is None:
            label = capfirst(key.replace("_", " "))
        if key in keys.texts and value not in (None, "", [], {}):
            text = keys.texts[key](value, subject)
        else:
            lookup = lookups.get(key, "pk")
            text = _text(field, value, organisation_id, lookup)
        lines.append(ValueLine(label, text))
    return lines


def untranslated_values(
    object_type: str, values: Mapping[str, Any], action: str = ""
) -> list[str]:
    """Return why stored values of an entry would show a key or a code as is.

    A key is shown as is when no label, key field or model field names it,
    a code when it is not one of its field's choices, and the keys of a
    mapping when no key text turns it into text. Each problem is one
    sentence naming the key.
    """
    presenter = PRESENTERS.get(object_type)
    if presenter is not None:
        values = presenter(values)
    keys = _Keys.of(object_type, action)
    problems = []
    for key, value in values.items():
        field = keys.field(key)
        if keys.label(key, field) is None or (
            key not in keys.labels and _default_verbose_name(field)
        ):
            problems.append(f"key {key!r} of {object_type} has no label")
        if key in keys.texts:
            continue
        if isinstance(value, dict) and value:
            problems.append(
                f"key {key!r} of {object_type} stores a mapping but has no key text"
            )
        if isinstance(field, models.Field) and field.choices and value is not None:
            codes = {str(code) for code, _label in field.flatchoices} | {""}
            stored = value if isinstance(value, list) else [value]
            unknown = [item for item in stored if str(item) not in codes]
            if unknown:
                problems.append(
                    f"key {key!r} of {object_type} stores {unknown!r}, which "
                    f"are not choices of {field.name}"
                )
    return problems


@dataclass(frozen=True)
class _Keys:
    """The registered labels, fields and texts of one entry's stored keys."""

    model: type[models.Model] | None
    labels: Mapping[str, Any]
    fields: Mapping[str, ModelField]
    texts: Mapping[str, KeyText]

    @classmethod
    def of(cls, object_type: str, action: str) -> "_Keys":
        """Return the keys of ``object_type``; those of ``action`` take precedence."""
        return cls(
            _model(object_type),
            {**KEY_LABELS.get(object_type, {}), **ACTION_KEY_LABELS.get(action, {})},
            {**KEY_FIELDS.get(object_type, {}), **ACTION_KEY_FIELDS.get(action, {})},
            {**KEY_TEXTS.get(object_type, {}), **ACTION_KEY_TEXTS.get(action, {})},
        )

    def field(self, key: str) -> ModelField | None:
        # A key with a registered label and no registered field names no
        # field, even where a field has its name. The count ``entries`` of a
        # detection run is such a key, so its value is shown as stored.
        if key in self.fields:
            return self.fields[key]
        if key in self.labels:
            return None
        found: ModelField | None = _field(self.model, key)
        return found

    def label(self, key: str, field: ModelField | None) -> str | None:
        """Return the key's label, or None when only the key itself can label it."""
        if key in self.labels:
            return capfirst(str(self.labels[key]))
        # The reverse side of a relation has no verbose name.
        verbose_name = getattr(field, "verbose_name", None)
        if verbose_name is None:
            return None
        return capfirst(str(verbose_name))


def _default_verbose_name(field: ModelField | None) -> bool:
    """Return whether Django made the field's verbose name from its name.

    A verbose name given with ``gettext_lazy`` is a lazy object, not a str,
    even where its text is the field's name, as "status" is.
    """
    if not isinstance(field, models.Field):
        return False
    verbose_name = field.verbose_name
    return isinstance(verbose_name, str) and verbose_name == field.name.replace(
        "_", " "
    )


def _model(object_type: str) -> type[models.Model] | None:
    if object_type.count(".") != 1:
        return None
    try:
        return apps.get_model(object_type)
    except LookupError:
        return None


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _text(field: Any, value: Any, organisation_id: int | None, lookup: str) -> str:
    if value is None or value in ("", [], {}):
        return EMPTY
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(_text(field, item, organisation_id, lookup) for item in value)
    if isinstance(value, dict):
        return "; ".join(
            f"{key}: {_text(None, item, organisation_id, 'pk')}"
            for key, item in value.items()
        )
    if isinstance(field, models.Field) and field.is_relation:
        return _related(field, value, organisation_id, lookup)
    if isinstance(field, models.Field) and field.choices:
        labels = {str(code): str(label) for code, label in field.flatchoices}
        return labels.get(str(value), str(value))
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        return _local_time(value)
    return str(value)


def _related(
    field: "models.Field[Any, Any]",
    value: Any,
    organisation_id: int | None,
    lookup: str,
) -> str:
    """Return the related record's text, or the stored value when it is gone."""
    text = str(value)
    related = field.related_model
    if lookup != "pk" or not text.isascii() or not text.isdigit():
        return text
    if not (isinstance(related, type) and issubclass(related, models.Model)):
        return text
    queryset = related._default_manager.filter(pk=int(text))
    tenant_field = getattr(related, "tenant_field", None)
    if tenant_field:
        queryset = queryset.filter(**{f"{tenant_field}_id": organisation_id})
    found = queryset.first()
    return str(found) if found is not None else text


def _local_time(text: str) -> str:
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return text
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return date_format(moment, "Y-m-d H:i")
