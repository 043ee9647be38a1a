"""The forms of the review pages: starting a campaign and deciding a line."""

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.isodate import IsoDateField
from vigil.registers.authorisations.models import Authorisation, ReviewLine
from vigil.registers.forms import DateInput

KEEP = [("", _("keep"))]


class StartReviewForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    started_on = IsoDateField(label=_("started on"), widget=DateInput)
    due_by = IsoDateField(label=_("due by"), widget=DateInput)
    application = forms.CharField(
        label=_("application"),
        max_length=200,
        required=False,
        help_text=_("Review only this application; leave empty for all."),
        widget=forms.TextInput(attrs={"list": "known-applications"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["started_on"].initial = today
        self.fields["due_by"].initial = today + datetime.timedelta(days=30)


class DecisionForm(forms.Form):
    """A decision on one line; the change fields count only for "changed"."""

    decision = forms.ChoiceField(
        label=_("decision"),
        choices=[choice for choice in ReviewLine.Decision.choices if choice[0]],
        widget=forms.RadioSelect,
    )
    decided_on = IsoDateField(label=_("decided on"), widget=DateInput)
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    change_access_level = forms.ChoiceField(
        label=_("new access level"),
        choices=KEEP + list(Authorisation.AccessLevel.choices),
        required=False,
    )
    change_data_category = forms.ChoiceField(
        label=_("new data category"),
        choices=KEEP + list(Authorisation.DataCategory.choices),
        required=False,
    )
    change_application = forms.CharField(
        label=_("new application"), max_length=200, required=False
    )
    change_function = forms.CharField(
        label=_("new function"), max_length=200, required=False
    )
    change_user_id = forms.CharField(
        label=_("new user id"), max_length=64, required=False, strip=False
    )
    change_valid_until = IsoDateField(
        label=_("new valid until"), required=False, widget=DateInput
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].initial = timezone.localdate()

    def changes(self) -> dict[str, str]:
        """Return the wire values of the filled change fields."""
        found: dict[str, str] = {}
        for name, value in self.cleaned_data.items():
            if not name.startswith("change_") or value in ("", None):
                continue
            found[name.removeprefix("change_")] = (
                value.isoformat() if hasattr(value, "isoformat") else str(value)
            )
        return found
