"""The consultant's annual report (Royal Decree of 12 August 1993, art. 8).

A centre's report template is a list of section definitions. A report of a
year has one section per definition, each with the text Vigil drafted from
the records, the consultant's edited text and a "final" mark. When every
section is final the report is final, so management can record that it
took note of it. From then on the report no longer changes.
"""

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from vigil.registers.models import RegisterRecord

FIRST_YEAR = 2000
LAST_YEAR = 2100
YEAR_VALIDATORS = [MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]


class Source(models.TextChoices):
    """The built-in drafters that fill a section from the records."""

    SITUATION = "situation", _("security situation and its evolution")
    ADVICES = "advices", _("written advices and follow-up")
    ACTIVITIES = "activities", _("activities")
    CONTROLS = "controls", _("controls and audits")
    AWARENESS = "awareness", _("awareness campaigns")
    TRAININGS = "trainings", _("trainings followed and planned")
    INCIDENTS = "incidents", _("security incidents")
    BACKUPS = "backups", _("backups and restore tests")
    ACCESS_LOG = "accesslog", _("access-log verification and findings")
    BUDGET = "budget", _("security budget")


class SectionDefinition(RegisterRecord):
    """One section of a centre's report template."""

    key = models.SlugField(
        _("key"),
        max_length=40,
        validators=[RegexValidator(r"^[a-z0-9-]+$")],
        help_text=_(
            "Short name, unique in the template: lowercase letters, digits, dashes."
        ),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title_nl = models.CharField(_("title in Dutch"), max_length=200)
    title_fr = models.CharField(_("title in French"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    decree_item = models.BooleanField(
        _("item of the decree"),
        default=False,
        help_text=_("Whether the section is an item of article 8 of the decree."),
    )
    item_number = models.PositiveSmallIntegerField(
        _("item number"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(8)],
        help_text=_("Number of the item in article 8, from 1 to 8."),
    )
    source = models.CharField(
        _("source"),
        max_length=20,
        choices=Source.choices,
        blank=True,
        help_text=_("The records Vigil drafts the section from; empty for free text."),
    )

    class Meta:
        verbose_name = _("report section definition")
        verbose_name_plural = _("report template")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "key"], name="annual_section_key_unique"
            )
        ]

    def __str__(self) -> str:
        return self.title_in(get_language() or "nl")

    def title_in(self, language: str) -> str:
        """Return the title in ``language``, else in Dutch."""
        titles = {"nl": self.title_nl, "fr": self.title_fr, "en": self.title_en}
        return titles.get(language[:2]) or self.title_nl or self.title_fr

    @property
    def item_label(self) -> str:
        return f"{self.item_number}°" if self.decree_item and self.item_number else ""


class AnnualReport(RegisterRecord):
    """The consultant's report of one year for one centre."""

    class Body(models.TextChoices):
        COUNCIL = "council", _("council for social welfare")
        BUREAU = "bureau", _("permanent bureau")
        DIRECTOR = "director", _("secretary-general")

    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    noted_at = models.DateField(_("management took note on"), null=True, blank=True)
    noted_by_body = models.CharField(
        _("body that took note"), max_length=20, choices=Body.choices, blank=True
    )
    noted_reference = models.CharField(
        _("decision reference"), max_length=120, blank=True
    )

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="annual_report_year_unique"
            )
        ]

    def __str__(self) -> str:
        return str(self.year)

    @property
    def is_noted(self) -> bool:
        return self.noted_at is not None


class ReportSection(models.Model):
    """One section of a report: drafted text and tables, edited text, final mark.

    The title, item and source are copied from the definition when the
    section is created and follow it until management took note, so a
    report keeps its sections when the template changes later.
    """

    tenant_field = "report__organisation"

    report = models.ForeignKey(
        AnnualReport, on_delete=models.CASCADE, related_name="sections"
    )
    definition = models.ForeignKey(
        SectionDefinition,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="report_sections",
    )
    key = models.CharField(_("key"), max_length=40)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title_nl = models.CharField(_("title in Dutch"), max_length=200)
    title_fr = models.CharField(_("title in French"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    item_number = models.PositiveSmallIntegerField(
        _("item number"), null=True, blank=True
    )
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, blank=True
    )
    # What Vigil drafted, per language (nl, fr and en):
    # {"nl": {"text": "...", "tables": [{"header": [...], "rows": [[...]],
    # "footer": [[...]]}]}, "fr": {...}}. Empty until the first drafting.
    drafted = models.JSONField(_("drafted text and tables"), default=dict, blank=True)
    drafted_at = models.DateTimeField(_("drafted at"), null=True, blank=True)
    edited_text = models.TextField(
        _("edited text"),
        blank=True,
        help_text=_("The consultant's text; when empty the drafted text is used."),
    )
    is_final = models.BooleanField(_("final"), default=False)

    class Meta:
        verbose_name = _("report section")
        verbose_name_plural = _("report sections")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "key"], name="annual_report_section_unique"
            )
        ]

    def __str__(self) -> str:
        label = self.item_label
        title = self.title_in(get_language() or "nl")
        return f"{label} {title}" if label else title

    def title_in(self, language: str) -> str:
        titles = {"nl": self.title_nl, "fr": self.title_fr, "en": self.title_en}
        return titles.get(language[:2]) or self.title_nl or self.title_fr

    @property
    def item_label(self) -> str:
        return f"{self.item_number}°" if self.item_number else ""

    def drafted_text_in(self, language: str) -> str:
        return str(self._drafted_in(language).get("text", ""))

    def drafted_tables_in(self, language: str) -> list[dict[str, list[Any]]]:
        return list(self._drafted_in(language).get("tables", []))

    def text_in(self, language: str) -> str:
        """Return the edited text, else the text drafted in ``language``."""
        return self.edited_text.strip() or self.drafted_text_in(language)

    @property
    def is_edited(self) -> bool:
        return bool(self.edited_text.strip())

    def _drafted_in(self, language: str) -> dict[str, Any]:
        drafted = self.drafted or {}
        found = drafted.get(language[:2]) or drafted.get("nl") or {}
        return dict(found)
