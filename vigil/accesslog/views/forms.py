"""Forms of the access-log pages.

A national number typed into a form is validated and compacted here, then
pseudonymised by the view's service call; it is never put into a URL,
stored or logged.
"""

import datetime
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vigil.accesslog.detection.lists import read_case_refs
from vigil.accesslog.detection.models import ISO_WEEKDAYS, Finding, Rule
from vigil.accesslog.detection.services import (
    BULK_STATUS_INVALID,
    BULK_TRIAGE_STATUSES,
    FINDING_NOT_FOUND,
    NO_FINDING_SELECTED,
    day_period,
)
from vigil.accesslog.events import USER_ID_MAX_LENGTH
from vigil.accesslog.models import Action, ApiToken, IdentityPeriod
from vigil.accesslog.national_numbers import validate_national_number
from vigil.accesslog.tokens import checked_token_name
from vigil.accesslog.untraced import day_period as untraced_period
from vigil.isodate import IsoDateField, IsoDateTimeField
from vigil.ledger.note import looks_like_verifier_key

# Browsers submit these inputs as ISO text, such as 2026-03-02T14:30 and
# 2026-03-02, whatever the page language. So the ISO-only rule affects only
# values typed into a link or sent by a script, but a local time that summer
# time skips or repeats can come from the date picker too.
DATETIME_WIDGET = forms.DateTimeInput(
    attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
)
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PickerDateTimeField(IsoDateTimeField):
    """A local date and time from the browser's picker, which takes no UTC offset.

    A time that occurs twice when the clocks go back is therefore rejected
    with the times to enter instead, without the offset that a file or a
    command line could add.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", DATETIME_WIDGET)
        super().__init__(offset_possible=False, **kwargs)


# Translators: %(reason)s is a reason of national_numbers.py, such as "must
# have 11 digits (dots, dashes and spaces are allowed)".
INVALID_NATIONAL_NUMBER = _("This number %(reason)s.")


class NationalNumberInput(forms.TextInput):
    """A text input that never renders its value back into the page."""

    def format_value(self, value: Any) -> None:
        return None


class NationalNumbersTextarea(forms.Textarea):
    """A textarea of national numbers that comes back empty after an error."""

    def format_value(self, value: Any) -> None:
        return None


class NationalNumberField(forms.CharField):
    """An 11-digit national (INSZ/NISS) or BIS number, returned compacted."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        attrs = {"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}
        kwargs.setdefault("widget", NationalNumberInput(attrs=attrs))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if not text:
            return ""
        try:
            return validate_national_number(text)
        except ValueError as error:
            # The reason distinguishes a wrong length or character from wrong
            # check digits or birth month, and never contains the number.
            raise ValidationError(
                INVALID_NATIONAL_NUMBER, code="invalid", params={"reason": str(error)}
            ) from None


class PeriodMixin:
    """Checks that ``until`` comes after ``since`` when both are given."""

    def clean_period(self, data: dict[str, Any]) -> None:
        since, until = data.get("since"), data.get("until")
        if since and until and until <= since:
            message = _(
                "The end %(until)s is not after the start %(since)s. Enter an "
                "end after the start: the search covers the times from the "
                "start up to the end, without the end itself."
            )
            shown = {"since": _shown_time(since), "until": _shown_time(until)}
            raise ValidationError({"until": message % shown})


def _shown_time(moment: datetime.datetime) -> str:
    """Return a time as the picker shows it, with seconds only when it has them."""
    local = timezone.localtime(moment).replace(tzinfo=None)
    return local.isoformat(" ", "seconds" if local.second else "minutes")


class SearchForm(PeriodMixin, forms.Form):
    subject = NationalNumberField(
        label=_("National number of the data subject"),
        required=False,
        help_text=_("Pseudonymised at once; it is not stored or shown in links."),
    )
    subject_pseudonym = forms.RegexField(
        regex=r"\A[0-9a-f]{64}\Z",
        required=False,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": _(
                "The data subject in the link is not a pseudonym of 64 hex "
                "digits. Search again with the national number."
            )
        },
    )
    user_id = forms.CharField(label=_("User id"), required=False, max_length=64)
    person = forms.CharField(
        label=_("Natural person"),
        required=False,
        max_length=200,
        help_text=_("Name or staff number in the identity register."),
    )
    since = PickerDateTimeField(label=_("From"), required=False)
    until = PickerDateTimeField(label=_("Until (exclusive)"), required=False)
    application = forms.CharField(
        label=_("Application"), required=False, max_length=100
    )
    service = forms.CharField(
        label=_("KSZ service or message"), required=False, max_length=100
    )
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", "—"), *Action.choices]
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.clean_period(data)
        return data


# ModelForm is generic in django-stubs only. Subscripting it at run time raises
# TypeError, so only the type checker sees the type argument.
if TYPE_CHECKING:
    IdentityPeriodFormBase = forms.ModelForm[IdentityPeriod]
else:
    IdentityPeriodFormBase = forms.ModelForm


class IdentityPeriodForm(IdentityPeriodFormBase):
    class Meta:
        model = IdentityPeriod
        fields = [
            "user_id",
            "person_name",
            "person_reference",
            "valid_from",
            "valid_until",
            "note",
        ]
        widgets = {
            "valid_from": DATETIME_WIDGET,
            "valid_until": DATETIME_WIDGET,
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        field_classes = {
            "valid_from": PickerDateTimeField,
            "valid_until": PickerDateTimeField,
        }


class EndPeriodForm(forms.Form):
    valid_until = PickerDateTimeField(label=_("Valid until"))


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("The program that uses the token, e.g. “social file export”."),
    )
    # Without a scope, a token ingests, as before tokens had scopes.
    scope = forms.ChoiceField(
        label=_("Scope"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.INGEST,
        required=False,
        help_text=_(
            "What the token may do: send access events, or read and change registers."
        ),
    )

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"]
        try:
            return checked_token_name(name)
        except ValueError as error:
            # The service writes command-line messages, which start in lower case.
            raise forms.ValidationError(f"{capfirst(str(error))}.") from None


class DetectionSettingsForm(forms.Form):
    office_start = forms.TimeField(
        label=_("Office hours start"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    office_end = forms.TimeField(
        label=_("Office hours end"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    working_days = forms.TypedMultipleChoiceField(
        label=_("Working days"),
        coerce=int,
        choices=[
            (day, label)
            for day, label in zip(
                ISO_WEEKDAYS,
                [
                    _("Monday"),
                    _("Tuesday"),
                    _("Wednesday"),
                    _("Thursday"),
                    _("Friday"),
                    _("Saturday"),
                    _("Sunday"),
                ],
                strict=True,
            )
        ],
        widget=forms.CheckboxSelectMultiple,
    )
    exempt_user_ids = forms.CharField(
        label=_("User ids exempt from the office-hours rule"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line, e.g. the program numbers of night batches."),
    )
    daily_threshold = forms.IntegerField(label=_("Daily volume threshold"), min_value=1)
    usual_factor = forms.DecimalField(
        label=_("Usual-level factor"), min_value=1, max_digits=5, decimal_places=2
    )
    usual_window_days = forms.IntegerField(
        label=_("Usual-level window (days)"), min_value=1, max_value=366
    )
    usual_min_days = forms.IntegerField(
        label=_("Minimum active days for a usual level"), min_value=1, max_value=366
    )
    check_outside_hours = forms.BooleanField(
        label=_("Flag accesses outside office hours"), required=False
    )
    check_daily_volume = forms.BooleanField(
        label=_("Flag unusual daily volumes"), required=False
    )
    check_open_cases = forms.BooleanField(
        label=_("Flag accesses without an open case file"), required=False
    )
    check_watch_list = forms.BooleanField(
        label=_("Flag accesses to watched data subjects"), required=False
    )

    def clean_exempt_user_ids(self) -> list[str]:
        text = self.cleaned_data.get("exempt_user_ids", "")
        user_ids = [line.strip() for line in text.splitlines()]
        for number, user_id in enumerate(user_ids, start=1):
            # An entry's user id has at most 64 characters, so a longer one
            # could never match an entry.
            if len(user_id) > USER_ID_MAX_LENGTH:
                raise ValidationError(
                    _(
                        "Line %(line)d has %(length)d characters, but a user id "
                        "has at most %(maximum)d. Enter one user id per line."
                    )
                    % {
                        "line": number,
                        "length": len(user_id),
                        "maximum": USER_ID_MAX_LENGTH,
                    }
                )
        return sorted({user_id for user_id in user_ids if user_id})

    def clean_working_days(self) -> list[int]:
        return sorted(self.cleaned_data.get("working_days", []))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        window = cleaned.get("usual_window_days")
        minimum = cleaned.get("usual_min_days")
        if window is not None and minimum is not None and minimum > window:
            self.add_error(
                "usual_min_days",
                _(
                    "%(minimum)s active days cannot occur in a window of %(window)s "
                    "days, so no user would get a usual level. Enter at most "
                    "%(window)s."
                )
                % {"minimum": minimum, "window": window},
            )
        return cleaned


class OpenCasesForm(forms.Form):
    case_refs = forms.CharField(
        label=_("Case file references"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One reference per line."),
    )
    national_numbers = forms.CharField(
        label=_("National numbers of subjects with an open case"),
        required=False,
        widget=NationalNumbersTextarea(attrs={"rows": 4, "autocomplete": "off"}),
        help_text=_("One per line; only their pseudonyms are stored."),
    )
    csv_file = forms.FileField(
        label=_("Or a CSV file of national numbers"),
        required=False,
        help_text=_(
            "The first column holds the national numbers; a header is allowed."
        ),
    )
    replace = forms.BooleanField(
        label=_("Replace the current list instead of adding to it"), required=False
    )
    empty_list = forms.BooleanField(
        label=_("Empty the list"),
        required=False,
        help_text=_(
            "Removes every open case file; leave the fields above empty. While "
            "the list is empty, the open-case rule is skipped."
        ),
    )

    def clean_case_refs(self) -> list[str]:
        return read_case_refs(self.cleaned_data.get("case_refs", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        entered = any(
            data.get(name) for name in ("case_refs", "national_numbers", "csv_file")
        )
        if data.get("empty_list") and entered:
            self.add_error(
                "empty_list",
                _(
                    "“Empty the list” removes every open case file, so leave the "
                    "fields above empty, or untick it to add or replace."
                ),
            )
        return data


class WatchedSubjectForm(forms.Form):
    national_number = NationalNumberField(label=_("National number"))
    label = forms.CharField(
        label=_("Label"),
        max_length=200,
        help_text=_("Why the subject is watched, e.g. “colleague” or “mayor”."),
    )


class _DaysForm(forms.Form):
    """A first and an included last day, which ``check_days`` validates."""

    since = IsoDateField(label=_("From"), widget=DATE_WIDGET)
    until = IsoDateField(label=_("Until (inclusive)"), widget=DATE_WIDGET)

    def check_days(self, first_day: datetime.date, last_day: datetime.date) -> None:
        raise NotImplementedError

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until:
            self.check_days(since, until)
        return data


class RunDetectionForm(_DaysForm):
    def check_days(self, first_day: datetime.date, last_day: datetime.date) -> None:
        day_period(first_day, last_day)


class UntracedForm(_DaysForm):
    """The days of the list of user ids that no identity period covers."""

    def check_days(self, first_day: datetime.date, last_day: datetime.date) -> None:
        untraced_period(first_day, last_day)


class TriageForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Finding.Status.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required unless the finding stays open."),
    )

    def __init__(self, *args: Any, offer_incident: bool, **kwargs: Any) -> None:
        """List "security incident" only when ``offer_incident`` is true.

        "Record as a security incident" reaches that status by creating the
        incident, so the list offers it only to a finding that already has
        the status or its incident. The form still accepts the value, so
        that the triage service rejects it with an error that names the way
        to the status.
        """
        super().__init__(*args, **kwargs)
        if not offer_incident:
            self.fields["status"].widget.choices = [
                (value, label)
                for value, label in Finding.Status.choices
                if value != Finding.Status.INCIDENT
            ]


class BulkTriageForm(forms.Form):
    """Findings ticked in the list, with the status and note they all get."""

    findings = forms.ModelMultipleChoiceField(
        queryset=Finding.objects.none(),
        error_messages={
            "required": NO_FINDING_SELECTED,
            "invalid_choice": FINDING_NOT_FOUND,
            "invalid_pk_value": FINDING_NOT_FOUND,
        },
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            ("", "---------"),
            *(
                (value, label)
                for value, label in Finding.Status.choices
                if value in BULK_TRIAGE_STATUSES
            ),
        ],
        error_messages={
            "required": _(
                "Status: missing. Choose the status for the selected findings."
            ),
            "invalid_choice": BULK_STATUS_INVALID,
        },
    )
    # Whether the note is required depends on the status, so the triage
    # service checks it (``requires_note``), as for a single finding.
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Each selected finding gets this note. Required unless the status is open."
        ),
    )

    def __init__(self, *args: Any, findings: QuerySet[Finding], **kwargs: Any) -> None:
        """Accept only the findings in ``findings``, the active centre's."""
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelMultipleChoiceField[Finding]", self.fields["findings"])
        field.queryset = findings

    def selected_ids(self) -> set[int]:
        """Return the ticked ids, to tick them again on a rejected form."""
        if not self.is_bound:
            return set()
        widget = self.fields["findings"].widget
        sent = widget.value_from_datadict(self.data, self.files, "findings")
        return {int(pk) for pk in sent or () if pk.isascii() and pk.isdigit()}


class FindingFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("all")), *Finding.Status.choices],
    )
    # French "règle" is feminine, so "all" needs its own translation here.
    rule = forms.ChoiceField(
        label=_("Rule"),
        required=False,
        choices=[("", pgettext_lazy("every rule, in a filter", "all")), *Rule.choices],
    )


# A signed checkpoint note has a few hundred bytes. A larger file is not one.
MAX_CHECKPOINT_BYTES = 64 * 1024
# Characters of a rejected checkpoint note that an error message shows.
MAX_SHOWN_NOTE = 80


def checkpoint_text(text: str) -> str:
    """Return a pasted or uploaded note with LF line ends and one final newline.

    Browsers send a textarea's lines with CRLF, a pasted note may lose its
    final newline, and a file saved by Windows Notepad may start with a byte
    order mark. The signature covers none of them, and the command reads its
    ``--previous`` file with universal newlines too. Raises
    ValidationError for a verifier key, which the auditor keeps next to the
    checkpoint and so may give in its place.
    """
    text = text.removeprefix("\ufeff")
    if looks_like_verifier_key(text):
        raise ValidationError(
            _(
                "“%(key)s” is a verifier key, not a checkpoint. Give the whole "
                "checkpoint note that the auditor kept of this centre's log, "
                "from its first line to its signature line."
            ),
            code="verifier_key",
            params={"key": shown_note(text)},
        )
    lines = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n").split("\n")
    return "\n".join(line.rstrip(" \t") for line in lines) + "\n"


def shown_note(note: str) -> str:
    """Return the first line of ``note``, shortened, to name it in an error."""
    first = note.strip().split("\n", 1)[0]
    return first if len(first) <= MAX_SHOWN_NOTE else first[: MAX_SHOWN_NOTE - 1] + "…"


class BundleExportForm(forms.Form):
    """The period and the auditor's earlier checkpoint of a proof bundle."""

    since = IsoDateField(label=_("From"), widget=DATE_WIDGET)
    until = IsoDateField(label=_("Until (inclusive)"), widget=DATE_WIDGET)
    previous_text = forms.CharField(
        label=_("Checkpoint that the auditor kept (optional)"),
        required=False,
        strip=False,
        max_length=MAX_CHECKPOINT_BYTES,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
        help_text=_(
            "Paste the whole signed note, signature line included. The bundle "
            "then proves that the log only grew since that checkpoint."
        ),
    )
    previous_file = forms.FileField(
        label=_("Or the checkpoint as a file"),
        required=False,
        help_text=_("Such as the .checkpoint file that this page downloads."),
    )

    def clean_previous_text(self) -> str | None:
        text: str = self.cleaned_data.get("previous_text", "")
        return checkpoint_text(text) if text.strip() else None

    def clean_previous_file(self) -> str | None:
        upload = self.cleaned_data.get("previous_file")
        if not upload:
            return None
        if upload.size is not None and upload.size > MAX_CHECKPOINT_BYTES:
            raise ValidationError(
                _(
                    "The file “%(name)s” has %(size)s bytes, but a checkpoint note "
                    "has a few hundred. Choose the .checkpoint file that the "
                    "auditor kept."
                ),
                code="too_large",
                params={"name": upload.name, "size": upload.size},
            )
        try:
            text = upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError(
                _(
                    "The file “%(name)s” is not UTF-8 text, so it is not a "
                    "checkpoint note. Choose the .checkpoint file that the "
                    "auditor kept."
                ),
                code="not_text",
                params={"name": upload.name},
            ) from None
        return checkpoint_text(text)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error(
                "until",
                ValidationError(
                    _(
                        "The last day %(until)s comes before the first day "
                        "%(since)s. Enter a last day on or after the first day."
                    ),
                    code="before_start",
                    params={"until": until.isoformat(), "since": since.isoformat()},
                ),
            )
        if data.get("previous_text") and data.get("previous_file"):
            self.add_error(
                "previous_file",
                _(
                    "Give the checkpoint either as pasted text or as a file, not "
                    "both. Empty the text field or choose no file."
                ),
            )
        return data

    @property
    def previous_field(self) -> str:
        """The field that contains the earlier checkpoint, to attach its errors to."""
        if self.cleaned_data.get("previous_file"):
            return "previous_file"
        return "previous_text"

    @property
    def previous_note(self) -> str | None:
        note: str | None = self.cleaned_data.get(self.previous_field)
        return note
