"""The security plan (norm 4.2.1.3), its actions and the budget (norm 4.2.1.4).

A plan covers a few consecutive years and moves forward only: draft,
submitted for approval, approved, superseded. Only a draft can change; a
plan that was submitted or approved changes through a new version, a draft
copy of the plan and its actions.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vigil.registers.models import RegisterRecord

MAX_YEARS = 6
NOT_NEGATIVE = [MinValueValidator(Decimal(0))]


class SecurityPlan(RegisterRecord):
    """One version of the centre's security plan for a period of years."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted for approval")
        APPROVED = "approved", _("approved")
        SUPERSEDED = "superseded", _("superseded")

    class Body(models.TextChoices):
        COUNCIL = "council", _("council for social welfare")
        BUREAU = "bureau", _("permanent bureau")
        DIRECTOR = "director", _("secretary-general")

    title = models.CharField(_("title"), max_length=200, blank=True)
    first_year = models.PositiveSmallIntegerField(
        _("first year"),
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    years = models.PositiveSmallIntegerField(
        _("number of years"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_YEARS)],
        help_text=_("How many years the plan covers, from 1 to 6; usually 3."),
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    introduction = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_("The plan's aims and context, printed at the top of the plan."),
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_versions",
        verbose_name=_("previous version"),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approval_body = models.CharField(
        _("approved by"), max_length=20, choices=Body.choices, blank=True
    )
    approval_date = models.DateField(_("date of approval"), null=True, blank=True)
    decision_reference = models.CharField(
        _("decision reference"), max_length=120, blank=True
    )

    class Meta:
        verbose_name = _("security plan")
        verbose_name_plural = _("security plans")
        ordering = ["-first_year", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "first_year", "version"],
                name="securityplan_version_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.period} v{self.version}"

    @property
    def last_year(self) -> int:
        return self.first_year + self.years - 1

    @property
    def year_range(self) -> range:
        return range(self.first_year, self.last_year + 1)

    @property
    def period(self) -> str:
        if self.years == 1:
            return str(self.first_year)
        return f"{self.first_year}–{self.last_year}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class PlanFrozen(ValidationError):
    """The plan is no longer a draft; changes go into a new version."""


def ensure_editable(plan: SecurityPlan) -> None:
    """Raise PlanFrozen unless ``plan`` is a draft."""
    if plan.is_draft:
        return
    raise PlanFrozen(
        gettext(
            "The security plan %(plan)s is %(status)s and frozen: its actions "
            "cannot change. Start a new version of the plan to change them."
        )
        % {"plan": plan, "status": plan.get_status_display()},
        code="frozen",
    )


class PlanAction(RegisterRecord):
    """A measure of the plan: what, why, who, when, and at what cost."""

    class Origin(models.TextChoices):
        GAP = "gap", _("questionnaire gap")
        AUDIT = "audit", _("audit finding")
        RISK = "risk", _("risk")
        INCIDENT = "incident", _("incident")
        ADVICE = "advice", _("advice")
        OTHER = "other", _("other")

    class Priority(models.IntegerChoices):
        CRITICAL = 1, _("1 – critical")
        HIGH = 2, _("2 – high")
        MEDIUM = 3, _("3 – medium")
        LOW = 4, _("4 – low")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")
        POSTPONED = "postponed", _("postponed")

    plan = models.ForeignKey(
        SecurityPlan,
        on_delete=models.CASCADE,
        related_name="actions",
        verbose_name=_("plan"),
    )
    title = models.CharField(_("title"), max_length=200)
    norms = models.CharField(
        _("norms"),
        max_length=300,
        blank=True,
        help_text=_("Codes of the norms the action serves, e.g. 4.4.2; 4.7.1."),
    )
    origin = models.CharField(
        _("origin"), max_length=20, choices=Origin.choices, default=Origin.OTHER
    )
    origin_reference = models.CharField(
        _("reference of the origin"),
        max_length=200,
        blank=True,
        help_text=_("Which gap, finding, risk, incident or advice led to the action."),
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.MEDIUM
    )
    owner = models.CharField(_("owner"), max_length=200, blank=True)
    planned_year = models.PositiveSmallIntegerField(_("planned year"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    cost_one_off = models.DecimalField(
        _("one-off cost (EUR)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal(0),
        validators=NOT_NEGATIVE,
    )
    cost_yearly = models.DecimalField(
        _("yearly cost (EUR)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal(0),
        validators=NOT_NEGATIVE,
        help_text=_(
            "Recurring cost, such as a licence or maintenance, counted in every "
            "year from the planned year to the end of the plan."
        ),
    )
    effort_days = models.DecimalField(
        _("effort (person-days)"),
        max_digits=7,
        decimal_places=1,
        default=Decimal(0),
        validators=NOT_NEGATIVE,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    progress_notes = models.TextField(_("progress notes"), blank=True)
    source_action = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("same action in the previous version"),
    )

    class Meta:
        verbose_name = _("plan action")
        verbose_name_plural = _("plan actions")
        ordering = ["planned_year", "priority", "id"]
        indexes = [models.Index(fields=["organisation", "plan", "planned_year"])]

    def __str__(self) -> str:
        return f"{self.planned_year} {self.title}"

    @property
    def norm_codes(self) -> list[str]:
        return split_codes(self.norms)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        ensure_editable(SecurityPlan.objects.get(pk=self.plan_id))
        return super().delete(*args, **kwargs)


class BudgetYear(RegisterRecord):
    """The working credits approved for information security in one year."""

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    approved_amount = models.DecimalField(
        _("approved amount (EUR)"),
        max_digits=12,
        decimal_places=2,
        validators=NOT_NEGATIVE,
    )
    budget_line = models.CharField(
        _("budget line"),
        max_length=120,
        blank=True,
        help_text=_("The article of the centre's budget that holds the credits."),
    )
    decision_reference = models.CharField(
        _("decision reference"), max_length=120, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("security budget")
        verbose_name_plural = _("security budget")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="budgetyear_unique"
            )
        ]

    def __str__(self) -> str:
        return str(self.year)


class Expense(RegisterRecord):
    """An amount spent from the security budget, for one action or in general."""

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    amount = models.DecimalField(
        _("amount (EUR)"), max_digits=12, decimal_places=2, validators=NOT_NEGATIVE
    )
    description = models.CharField(_("description"), max_length=200)
    action = models.ForeignKey(
        PlanAction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="expenses",
        verbose_name=_("plan action"),
    )
    date = models.DateField(_("date"), null=True, blank=True)

    class Meta:
        verbose_name = _("security expense")
        verbose_name_plural = _("security expenses")
        ordering = ["-year", "-date", "-id"]

    def __str__(self) -> str:
        return f"{self.year} {self.description}"


def split_codes(text: str) -> list[str]:
    """Return the norm codes of a text separated by semicolons, commas or spaces."""
    separated = text.replace(",", " ").replace(";", " ").split()
    return list(dict.fromkeys(code.strip() for code in separated if code.strip()))
