from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.assessments.models import Answer, Assessment
from vigil.assessments.services import AnswerInput
from vigil.catalog.models import AnswerOption
from vigil.isodate import IsoDateField

# ModelChoiceField is generic in django-stubs only. Subscripting it at run time
# raises TypeError, so only the type checker sees the type argument.
if TYPE_CHECKING:
    OptionFieldBase = forms.ModelChoiceField[AnswerOption]
    YearFieldBase = forms.ModelChoiceField[Assessment]
else:
    OptionFieldBase = YearFieldBase = forms.ModelChoiceField


class IsoDateInput(forms.DateInput):
    """A text box for an ISO 8601 date, with the format as placeholder.

    A browser's own date box (type="date") shows its format in the browser's
    language, such as mm/dd/yyyy, whatever language the page is in.
    """

    input_type = "text"

    def __init__(self) -> None:
        super().__init__(
            format="%Y-%m-%d",
            attrs={
                "placeholder": _("YYYY-MM-DD"),
                "title": _("Enter the date as YYYY-MM-DD, e.g. 2027-06-30."),
                "pattern": r"[0-9]{4}-[0-9]{2}-[0-9]{2}",
                "inputmode": "numeric",
                "maxlength": "10",
                "autocomplete": "off",
            },
        )


class OptionChoiceField(OptionFieldBase):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label_text)


class AnswerForm(forms.Form):
    option = OptionChoiceField(
        label=_("Answer"), queryset=AnswerOption.objects.none(), required=False
    )
    justification = forms.CharField(
        label=_("Justification"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    planned_date = IsoDateField(
        label=_("Planned date"), required=False, widget=IsoDateInput()
    )
    owner = forms.CharField(label=_("Owner"), required=False, max_length=200)
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self, *args: Any, answer: Answer, options: list[AnswerOption], **kwargs: Any
    ) -> None:
        kwargs.setdefault("prefix", f"n{answer.pk}")
        kwargs.setdefault(
            "initial",
            {
                "option": answer.option_id,
                "justification": answer.justification,
                "planned_date": answer.planned_date,
                "owner": answer.owner,
                "comment": answer.comment,
            },
        )
        super().__init__(*args, **kwargs)
        field = self.fields["option"]
        field = cast(OptionChoiceField, field)
        field.queryset = AnswerOption.objects.filter(pk__in=[o.pk for o in options])
        # The options are already loaded: give the widget them directly so that
        # rendering a page of answers costs no query per form.
        field.choices = [("", "—")] + [(o.pk, o.label_text) for o in options]
        self.answer = answer

    def to_input(self) -> AnswerInput:
        data = self.cleaned_data
        return AnswerInput(
            option=data["option"],
            comment=data["comment"],
            justification=data["justification"],
            planned_date=data["planned_date"],
            owner=data["owner"],
        )


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Evidence file"))


class YearChoiceField(YearFieldBase):
    def label_from_instance(self, obj: Assessment) -> str:
        return str(obj.year)


class StartForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    copy_from = YearChoiceField(
        label=_("Start from the answers of"),
        queryset=Assessment.objects.none(),
        required=False,
        empty_label=_("(empty questionnaire)"),
    )

    def __init__(self, *args: Any, assessments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["copy_from"]
        field = cast(YearChoiceField, field)
        field.queryset = assessments
        if not self.is_bound:
            latest = assessments.first()
            self.initial["year"] = (
                (latest.year + 1) if latest else timezone.localdate().year
            )
            self.initial["copy_from"] = latest.pk if latest else None


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Reason for reopening"), widget=forms.Textarea)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("XLSX file exported by Vigil"))
    overwrite_newer = forms.BooleanField(
        label=_("Overwrite answers that changed after the export"),
        help_text=_(
            "Only after checking the answers listed: the file replaces them, "
            "and their history records the overwrite."
        ),
        required=False,
    )
