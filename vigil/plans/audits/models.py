"""Audits of the logical and physical security (norm 4.10) and their findings."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from vigil.registers.models import RegisterRecord

REFERENCE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._/-]*$"


class Audit(RegisterRecord):
    """One audit of the centre's security, by an internal or outside auditor."""

    class AuditorKind(models.TextChoices):
        INTERNAL = "internal", _("internal auditor")
        EXTERNAL = "external", _("external auditor")
        PEER_CENTRE = "peer_centre", _("security consultant of another centre")

    class Scope(models.TextChoices):
        LOGICAL = "logical", _("logical security")
        PHYSICAL = "physical", _("physical security")
        BOTH = "both", _("logical and physical security")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        COMPLETED = "completed", _("completed")

    reference = models.CharField(
        _("reference"),
        max_length=40,
        validators=[
            RegexValidator(
                REFERENCE_PATTERN,
                _(
                    "Use letters, digits, dots, dashes and slashes only, "
                    "for example AUD-2024-01."
                ),
            )
        ],
        help_text=_("Unique in the centre, for example AUD-2024-01."),
    )
    date = models.DateField(
        _("date"),
        help_text=_(
            "For a completed audit, the date of its report; otherwise the planned date."
        ),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.COMPLETED
    )
    auditor_kind = models.CharField(
        _("auditor"), max_length=20, choices=AuditorKind.choices
    )
    auditor_name = models.CharField(_("auditor's name"), max_length=200)
    auditor_organisation = models.CharField(
        _("auditor's organisation"), max_length=200, blank=True
    )
    scope = models.CharField(
        _("scope"), max_length=20, choices=Scope.choices, default=Scope.BOTH
    )
    scope_description = models.TextField(
        _("description of the scope"),
        blank=True,
        help_text=_("Sites, systems, services and processes the audit covered."),
    )
    conclusion = models.TextField(_("conclusion"), blank=True)

    class Meta:
        verbose_name = _("audit")
        verbose_name_plural = _("audits")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"],
                name="audit_reference_unique",
                violation_error_message=_(
                    "This centre already has an audit with this reference; "
                    "choose another one."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.date:%Y-%m-%d})"


class Finding(RegisterRecord):
    """A finding of an audit, the centre's response and its follow-up."""

    class Severity(models.TextChoices):
        LOW = "low", _("low")
        MEDIUM = "medium", _("medium")
        HIGH = "high", _("high")
        CRITICAL = "critical", _("critical")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        IN_PROGRESS = "in_progress", _("in progress")
        RESOLVED = "resolved", _("resolved")
        ACCEPTED_RISK = "accepted_risk", _("risk accepted")

    audit = models.ForeignKey(
        Audit,
        on_delete=models.PROTECT,
        related_name="findings",
        verbose_name=_("audit"),
    )
    severity = models.CharField(_("severity"), max_length=20, choices=Severity.choices)
    norm_code = models.CharField(
        _("norm"),
        max_length=20,
        help_text=_("Code of the norm the finding concerns, for example 4.4.2."),
    )
    description = models.TextField(_("finding"))
    recommendation = models.TextField(_("recommendation"), blank=True)
    response = models.TextField(_("response of the centre"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    action_ref = models.CharField(
        _("action of the security plan"),
        max_length=200,
        blank=True,
        help_text=_("The action of the security plan that addresses the finding."),
    )

    class Meta:
        verbose_name = _("audit finding")
        verbose_name_plural = _("audit findings")
        ordering = ["audit", "id"]
        indexes = [
            models.Index(
                fields=["organisation", "status", "severity"],
                name="audit_finding_status_idx",
            )
        ]

    def __str__(self) -> str:
        summary = self.description.splitlines()[0] if self.description else ""
        if len(summary) > 60:
            summary = summary[:59] + "…"
        return f"{self.audit.reference} · {self.norm_code}: {summary}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.IN_PROGRESS)
