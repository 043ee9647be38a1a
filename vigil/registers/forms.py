"""The forms that validate register records, from the page, a file or the API.

Every path goes through :func:`build_form`, so a value refused on the page
is refused in an import and over the API with the same message. Values from
files and the API are text; :func:`form_data` turns a row of wire values
into form data, resolving foreign keys by the spec's lookup field within the
centre.
"""

from collections.abc import Mapping
from typing import Any, cast

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.forms import modelform_factory
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigil.isodate import DATE_FORMATS as ISO_DATE_FORMATS
from vigil.isodate import IsoDateField, IsoDateTimeField
from vigil.organisations.models import Organisation
from vigil.registers.models import RegisterRecord
from vigil.registers.spec import RegisterSpec

# Django 6.1 labels the blank choice of every select box with this text and
# its Dutch catalogue lacks it. Naming it here keeps it in Vigil's catalogues.
BLANK_CHOICE_LABEL = gettext_lazy("- Select an option -")

TRUE_WORDS = frozenset({"true", "yes", "1", "ja", "oui", "y", "x"})
FALSE_WORDS = frozenset({"false", "no", "0", "nee", "non", "n", ""})


class RegisterForm(forms.ModelForm):  # type: ignore[type-arg]
    """A model form whose choices of related records stay within one centre."""

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        for name, bound in self.fields.items():
            _iso_only(bound)
            _name_the_codes(bound)
            _explain_limits(bound, self._meta.model, name)
            queryset = getattr(bound, "queryset", None)
            if queryset is None:
                continue
            tenant_field = getattr(queryset.model, "tenant_field", None)
            if tenant_field:
                bound.queryset = queryset.filter(**{tenant_field: organisation})  # type: ignore[attr-defined]


DATE_FORMATS = ISO_DATE_FORMATS


def _iso_only(bound: forms.Field) -> None:
    """Accept ISO 8601 dates only: 11/01/2026 means a different day to different
    readers, so a file or a script must write 2026-01-11."""
    # The model form built plain fields. The ISO fields only change how text
    # is read and explained, so the fields keep their other settings.
    if isinstance(bound, forms.DateTimeField) and not isinstance(
        bound, IsoDateTimeField
    ):
        bound.__class__ = IsoDateTimeField
        # A register time needs its time of day, so a date alone is rejected.
        cast(IsoDateTimeField, bound).accept_date = False
    elif isinstance(bound, forms.DateField) and not isinstance(bound, IsoDateField):
        bound.__class__ = IsoDateField
        bound.input_formats = DATE_FORMATS


def _explain_limits(bound: forms.Field, model: type[models.Model], name: str) -> None:
    """Name the field, the value and the allowed range when a number is out of
    range, and give the browser's number box the same limits as the server."""
    minimum, maximum = _limits(bound, model, name)
    if minimum is None and maximum is None:
        return
    if minimum is not None:
        bound.widget.attrs["min"] = str(minimum)
    if maximum is not None:
        bound.widget.attrs["max"] = str(maximum)
    if minimum is not None and maximum is not None:
        allowed = _("give a value from %(minimum)s to %(maximum)s")
    elif minimum is not None:
        allowed = _("give %(minimum)s or more")
    else:
        allowed = _("give %(maximum)s or less")
    allowed = allowed % {"minimum": minimum, "maximum": maximum}
    label = capfirst(str(bound.label or name))
    below = _("%(field)s: %(value)s is below the minimum of %(limit_value)s; %(fix)s.")
    above = _("%(field)s: %(value)s is above the maximum of %(limit_value)s; %(fix)s.")
    for code, message in (("min_value", below), ("max_value", above)):
        # Django fills in %(value)s and %(limit_value)s when it raises the error.
        for placeholder, text in (("%(field)s", label), ("%(fix)s", allowed)):
            message = message.replace(placeholder, text.replace("%", "%%"))
        bound.error_messages[code] = message


def _limits(
    bound: forms.Field, model: type[models.Model], name: str
) -> tuple[Any, Any]:
    """Return the tightest minimum and maximum of the form and model field.

    The model field's validators include the integer range of its database
    column, so a plain integer field reports that range.
    """
    validators = list(bound.validators)
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        model_field = None
    if isinstance(model_field, models.Field):
        validators.extend(model_field.validators)
    minimums = [v.limit_value for v in validators if isinstance(v, MinValueValidator)]
    maximums = [v.limit_value for v in validators if isinstance(v, MaxValueValidator)]
    minimum = max(minimums) if minimums else None
    maximum = min(maximums) if maximums else None
    return minimum, maximum


def _name_the_codes(bound: forms.Field) -> None:
    """Make a refused choice list the codes that would be accepted."""
    if not isinstance(bound, forms.ChoiceField) or isinstance(
        bound, forms.ModelChoiceField
    ):
        return
    default = forms.ChoiceField.default_error_messages["invalid_choice"]
    if str(bound.error_messages.get("invalid_choice", "")) != str(default):
        return  # the register's form has its own message
    choices: Any = bound.choices
    codes = ", ".join(str(code) for code, _label in choices if code != "")
    message = _("%(value)s is not one of the codes: %(codes)s.")
    bound.error_messages["invalid_choice"] = message.replace("%(codes)s", codes)


class DateInput(forms.DateInput):
    input_type = "date"


def form_class(spec: RegisterSpec) -> type[RegisterForm]:
    """Return the spec's own form, or a model form over its fields."""
    if spec.form is not None:
        if not issubclass(spec.form, RegisterForm):
            raise TypeError(f"the form of register {spec.slug} must be a RegisterForm")
        return spec.form
    widgets: dict[str, Any] = {}
    for name in spec.fields:
        model_field = spec.model_field(name)
        if isinstance(model_field, models.DateField) and not isinstance(
            model_field, models.DateTimeField
        ):
            widgets[name] = DateInput
        elif isinstance(model_field, models.TextField):
            widgets[name] = forms.Textarea(attrs={"rows": 3})
    made = modelform_factory(
        spec.model, form=RegisterForm, fields=list(spec.fields), widgets=widgets
    )
    return cast(type[RegisterForm], made)


def build_form(
    spec: RegisterSpec,
    organisation: Organisation,
    data: Mapping[str, Any] | None = None,
    *,
    instance: RegisterRecord | None = None,
) -> RegisterForm:
    """Return a bound (with ``data``) or unbound form for a new or existing record."""
    if instance is None:
        instance = spec.model(organisation=organisation)
    return form_class(spec)(data, instance=instance, organisation=organisation)


class UnknownReference(ValueError):
    """A wire value that cannot become form data.

    It names no record of the centre, is not yes or no, or is a JSON object
    or list where one value is expected.
    """

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.message = message


def form_data(
    spec: RegisterSpec,
    organisation: Organisation,
    values: Mapping[str, Any],
    *,
    instance: RegisterRecord | None = None,
) -> dict[str, Any]:
    """Turn wire values into form data; fields not given keep the record's value.

    Raise :class:`UnknownReference` for the first value that names no record
    of the centre or is not a value at all; :func:`form_data_and_errors`
    reports every such field.
    """
    data, errors = form_data_and_errors(spec, organisation, values, instance=instance)
    if errors:
        name, message = next(iter(errors.items()))
        raise UnknownReference(name, message)
    return data


def form_data_and_errors(
    spec: RegisterSpec,
    organisation: Organisation,
    values: Mapping[str, Any],
    *,
    instance: RegisterRecord | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Return the form data and, per field, why its wire value was refused."""
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in spec.fields:
        model_field = spec.model_field(name)
        if name in values:
            try:
                data[name] = _form_value(spec, organisation, model_field, values[name])
            except UnknownReference as error:
                errors[error.name] = error.message
        elif instance is not None and instance.pk is not None:
            data[name] = _current_value(model_field, instance)
        elif model_field.has_default():
            data[name] = _form_value(
                spec, organisation, model_field, model_field.get_default()
            )
    return data, errors


def _form_value(
    spec: RegisterSpec,
    organisation: Organisation,
    model_field: "models.Field[Any, Any]",
    value: Any,
) -> Any:
    if value is None:
        return ""
    if isinstance(model_field, models.ManyToManyField):
        items = (
            value
            if isinstance(value, list)
            else str(_scalar(model_field, value)).split(";")
        )
        return [
            _related_pk(spec, organisation, model_field, str(item).strip())
            for item in (_scalar(model_field, item) for item in items)
            if str(item).strip()
        ]
    value = _scalar(model_field, value)
    if isinstance(model_field, models.BooleanField):
        return _boolean(model_field.name, value)
    if isinstance(model_field, models.ForeignKey):
        text = str(value).strip()
        return _related_pk(spec, organisation, model_field, text) if text else ""
    return value if isinstance(value, str) else str(value)


def _scalar(model_field: "models.Field[Any, Any]", value: Any) -> Any:
    """Reject a JSON object or list where one value is expected."""
    if isinstance(value, (dict, list)):
        kind = _("a JSON object") if isinstance(value, dict) else _("a JSON list")
        raise UnknownReference(
            model_field.name,
            _("%(field)s is %(kind)s; give it as one text, number or true/false.")
            % {"field": model_field.name, "kind": kind},
        )
    return value


def _boolean(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return "true"
    if text in FALSE_WORDS:
        return "false"
    raise UnknownReference(
        name,
        _("%(value)r is not yes or no; write true or false.") % {"value": value},
    )


def _related_pk(
    spec: RegisterSpec,
    organisation: Organisation,
    model_field: "models.Field[Any, Any]",
    text: str,
) -> Any:
    related = model_field.related_model
    if not (isinstance(related, type) and issubclass(related, models.Model)):
        raise TypeError(f"{model_field.name} does not name a model")
    lookup = spec.lookup_of(model_field.name)
    noun = related._meta.verbose_name
    if "\x00" in text:
        # PostgreSQL text cannot hold NUL, so the query itself would fail.
        raise UnknownReference(
            model_field.name,
            _("%(value)r contains a NUL character; remove it.") % {"value": text},
        )
    queryset = related._default_manager.all()
    tenant_field = getattr(related, "tenant_field", None)
    if tenant_field:
        queryset = queryset.filter(**{tenant_field: organisation})
    try:
        matches = list(queryset.filter(**{lookup: text})[:2])
    except (ValueError, TypeError):
        matches = []
    if len(matches) != 1:
        raise UnknownReference(
            model_field.name,
            _("No %(noun)s with %(lookup)s %(value)r in this centre; add it first.")
            % {"noun": noun, "lookup": _field_label(related, lookup), "value": text},
        )
    return matches[0].pk


def _field_label(model: type[models.Model], name: str) -> str:
    """Return the translated label of a field, such as "inventory tag".

    A reference error names the field by its label, so that it reads in the
    user's language, and not by its name in files (``inventory_tag``).
    """
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is not a field")
    return str(field.verbose_name)


def _current_value(
    model_field: "models.Field[Any, Any]", instance: models.Model
) -> Any:
    if isinstance(model_field, models.ManyToManyField):
        if instance.pk is None:
            return []
        return [item.pk for item in getattr(instance, model_field.name).all()]
    value = getattr(instance, model_field.attname)
    if isinstance(model_field, models.BooleanField):
        return "true" if value else "false"
    return "" if value is None else value
