"""Forms of the annual report pages and of the template editor."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vigil.organisations.models import Organisation
from vigil.plans.annual.models import (
    FIRST_YEAR,
    LAST_YEAR,
    AnnualReport,
    SectionDefinition,
)
from vigil.registers.forms import DATE_FORMATS, DateInput


class NewReportForm(forms.Form):
    year = forms.IntegerField(
        label=_("year"),
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        help_text=_("The year the report covers, e.g. 2026."),
    )


class SectionTextForm(forms.Form):
    text = forms.CharField(
        label=_("text of the section"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Leave empty to use the text Vigil drafted. Separate paragraphs "
            "with a blank line."
        ),
    )


class RegenerateForm(forms.Form):
    replace_edited = forms.BooleanField(
        label=_("replace my edited text by the new draft"), required=False
    )


class NoteForm(forms.Form):
    body = forms.ChoiceField(label=_("body"), choices=AnnualReport.Body.choices)
    date = forms.DateField(
        label=_("date of the meeting"),
        widget=DateInput,
        input_formats=DATE_FORMATS,
        help_text=_("As YYYY-MM-DD, e.g. 2026-03-12."),
    )
    reference = forms.CharField(
        label=_("decision reference"),
        max_length=120,
        required=False,
        help_text=_("The number or reference of the item in the minutes."),
    )


class SectionDefinitionForm(forms.ModelForm):  # type: ignore[type-arg]
    """A section of the report template, its key unique in the centre."""

    class Meta:
        model = SectionDefinition
        fields = [
            "key",
            "title_nl",
            "title_fr",
            "title_en",
            "decree_item",
            "item_number",
            "source",
        ]

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.instance.organisation = organisation

    def _others(self) -> "QuerySet[SectionDefinition]":
        others = SectionDefinition.objects.filter(organisation=self.organisation)
        return others.exclude(pk=self.instance.pk) if self.instance.pk else others

    def clean_key(self) -> str:
        key: str = self.cleaned_data["key"]
        if self._others().filter(key=key).exists():
            raise ValidationError(
                _(
                    "The template already has a section with key “%(value)s”: "
                    "choose another key."
                ),
                params={"value": key},
                code="unique",
            )
        return key

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        decree_item = cleaned.get("decree_item")
        number = cleaned.get("item_number")
        if decree_item and number is None:
            self.add_error(
                "item_number",
                _("An item of the decree needs its number, from 1 to 8."),
            )
        if not decree_item and number is not None:
            self.add_error(
                "item_number",
                _(
                    "Only an item of the decree has a number: tick “item of the "
                    "decree” or clear the number."
                ),
            )
        if decree_item and number is not None:
            holder = self._others().filter(decree_item=True, item_number=number).first()
            if holder is not None:
                self.add_error(
                    "item_number",
                    _("Item %(number)d° is already the section “%(section)s”.")
                    % {"number": number, "section": holder},
                )
        return cleaned
