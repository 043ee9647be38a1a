"""The risk analysis of a centre: its processes and assets with their needs in
confidentiality, integrity and availability, the risks to them and how each
risk is treated (minimum security norm 4.7.1)."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vigil.organisations.models import Organisation
from vigil.plans.risks.scoring import (
    MAX_SIZE,
    MIN_SIZE,
    Level,
    Matrix,
    default_matrix,
)
from vigil.registers.inventory.models import Hardware, Software
from vigil.registers.models import RegisterRecord


class Need(models.IntegerChoices):
    """How much a process or an asset needs confidentiality, integrity or
    availability."""

    LOW = 1, _("1 – low")
    MEDIUM = 2, _("2 – medium")
    HIGH = 3, _("3 – high")
    VERY_HIGH = 4, _("4 – very high")


# Likelihood and impact are stored as 1..5, the largest matrix; the centre's
# matrix decides which of them are allowed (see Risk.clean).
RATINGS = [(value, str(value)) for value in range(1, MAX_SIZE + 1)]


class NeedsMixin(models.Model):
    confidentiality = models.PositiveSmallIntegerField(
        _("confidentiality need"), choices=Need.choices, default=Need.MEDIUM
    )
    integrity = models.PositiveSmallIntegerField(
        _("integrity need"), choices=Need.choices, default=Need.MEDIUM
    )
    availability = models.PositiveSmallIntegerField(
        _("availability need"), choices=Need.choices, default=Need.MEDIUM
    )

    class Meta:
        abstract = True


class RiskMatrix(models.Model):
    """A centre's own risk matrix; without one the default 4 × 4 matrix applies."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    size = models.PositiveSmallIntegerField(
        _("matrix size"),
        validators=[MinValueValidator(MIN_SIZE), MaxValueValidator(MAX_SIZE)],
        help_text=_("Likelihood and impact are rated from 1 to this size (3 to 5)."),
    )
    medium_from = models.PositiveSmallIntegerField(_("medium from score"))
    high_from = models.PositiveSmallIntegerField(_("high from score"))
    critical_from = models.PositiveSmallIntegerField(_("critical from score"))
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    tenant_field = "organisation"

    class Meta:
        verbose_name = _("risk matrix")
        verbose_name_plural = _("risk matrices")

    def __str__(self) -> str:
        return f"{self.size} × {self.size}"

    @property
    def matrix(self) -> Matrix:
        return Matrix(self.size, self.medium_from, self.high_from, self.critical_from)


def matrix_for(organisation: Organisation | int | None) -> Matrix:
    """Return the centre's own matrix, or the default 4 × 4 matrix."""
    if organisation is None:
        return default_matrix()
    found = RiskMatrix.objects.filter(organisation=organisation).first()
    return found.matrix if found is not None else default_matrix()


class Process(NeedsMixin, RegisterRecord):
    """A process of the centre, such as the social service or debt mediation."""

    name = models.CharField(_("name"), max_length=200)
    owner = models.CharField(
        _("owner"),
        max_length=200,
        help_text=_("The head of service who answers for the process."),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("process")
        verbose_name_plural = _("processes")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="risks_process_unique_name",
                violation_error_message=_(
                    "The centre already has a process with this name; "
                    "choose another name or edit that process."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Asset(NeedsMixin, RegisterRecord):
    """An information asset: a named thing, or hardware or software of the
    inventory."""

    name = models.CharField(
        _("name"),
        max_length=200,
        blank=True,
        help_text=_(
            "For example: the social files, the payment files. Leave empty when "
            "the asset is hardware or software of the inventory."
        ),
    )
    hardware = models.ForeignKey(
        Hardware,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hardware"),
    )
    software = models.ForeignKey(
        Software,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("software"),
    )
    process = models.ForeignKey(
        Process,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assets",
        verbose_name=_("process"),
        help_text=_("The process that relies most on this asset."),
    )

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        if self.name:
            return self.name
        if self.hardware_id is not None and self.hardware is not None:
            return str(self.hardware.name or self.hardware.inventory_tag)
        if self.software_id is not None and self.software is not None:
            return str(self.software)
        return gettext("asset %(id)s") % {"id": self.pk}

    def clean(self) -> None:
        if self.hardware_id is not None and self.software_id is not None:
            raise ValidationError(
                {
                    "software": gettext(
                        "An asset is either hardware or software; record the "
                        "other one as a second asset."
                    )
                }
            )
        linked = self.hardware_id is not None or self.software_id is not None
        if not self.name.strip() and not linked:
            raise ValidationError(
                {
                    "name": gettext(
                        "Name the asset, or choose the hardware or software of "
                        "the inventory it is."
                    )
                }
            )


class Risk(RegisterRecord):
    """A threat to a process or an asset, its rating and how it is treated."""

    class Decision(models.TextChoices):
        REDUCE = "reduce", _("reduce")
        ACCEPT = "accept", _("accept")
        TRANSFER = "transfer", _("transfer")
        AVOID = "avoid", _("avoid")

    process = models.ForeignKey(
        Process,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="risks",
        verbose_name=_("process"),
    )
    asset = models.ForeignKey(
        Asset,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="risks",
        verbose_name=_("asset"),
    )
    threat = models.CharField(
        _("threat"),
        max_length=200,
        help_text=_("For example: ransomware, fire in the server room, a leak."),
    )
    vulnerability = models.TextField(_("vulnerability"), blank=True)
    likelihood = models.PositiveSmallIntegerField(_("likelihood"), choices=RATINGS)
    impact = models.PositiveSmallIntegerField(_("impact"), choices=RATINGS)
    existing_measures = models.TextField(_("existing measures"), blank=True)
    residual_likelihood = models.PositiveSmallIntegerField(
        _("residual likelihood"), choices=RATINGS
    )
    residual_impact = models.PositiveSmallIntegerField(
        _("residual impact"), choices=RATINGS
    )
    residual_note = models.TextField(
        _("note on the residual risk"),
        blank=True,
        help_text=_("Required when the residual score is above the current score."),
    )
    decision = models.CharField(
        _("decision"), max_length=20, choices=Decision.choices, default=Decision.REDUCE
    )
    accepted_by = models.CharField(
        _("accepted by"),
        max_length=200,
        blank=True,
        help_text=_("Who accepted the risk, for example the general director."),
    )
    accepted_until = models.DateField(_("accepted until"), null=True, blank=True)
    review_date = models.DateField(_("review date"), null=True, blank=True)

    class Meta:
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        ordering = ["-likelihood", "-impact", "id"]
        indexes = [models.Index(fields=["organisation", "likelihood", "impact"])]

    def __str__(self) -> str:
        return f"{self.threat} ({self.subject})"

    @property
    def subject(self) -> str:
        """The process and the asset at risk, as text."""
        names = [str(item) for item in (self.process, self.asset) if item is not None]
        return " / ".join(names)

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def residual_score(self) -> int:
        return self.residual_likelihood * self.residual_impact

    def level(self, matrix: Matrix) -> Level:
        return matrix.level(self.score)

    def residual_level(self, matrix: Matrix) -> Level:
        return matrix.level(self.residual_score)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.process_id is None and self.asset_id is None:
            errors["process"] = gettext(
                "Choose the process, the asset or both that the risk threatens."
            )
        errors.update(self._rating_errors())
        if not errors:
            errors.update(self._residual_errors())
        errors.update(self._decision_errors())
        if errors:
            raise ValidationError(errors)

    def _rating_errors(self) -> dict[str, str]:
        matrix = matrix_for(self.organisation_id)
        errors: dict[str, str] = {}
        for name in ("likelihood", "impact", "residual_likelihood", "residual_impact"):
            value = getattr(self, name)
            if value is not None and not matrix.contains(value):
                errors[name] = gettext(
                    "%(value)s is outside the centre's %(size)d × %(size)d risk "
                    "matrix; rate from 1 to %(size)d."
                ) % {"value": value, "size": matrix.size}
        return errors

    def _residual_errors(self) -> dict[str, str]:
        ratings = (
            self.likelihood,
            self.impact,
            self.residual_likelihood,
            self.residual_impact,
        )
        if any(value is None for value in ratings):
            return {}
        if self.residual_score > self.score and not self.residual_note.strip():
            return {
                "residual_note": gettext(
                    "The residual score %(residual)d is above the current score "
                    "%(current)d; lower the residual likelihood or impact, or "
                    "explain here why the risk grows."
                )
                % {"residual": self.residual_score, "current": self.score}
            }
        return {}

    def _decision_errors(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        if self.decision == self.Decision.ACCEPT:
            if not self.accepted_by.strip():
                errors["accepted_by"] = gettext(
                    "An accepted risk needs the person who accepted it; enter "
                    "their name and function."
                )
            if self.accepted_until is None:
                errors["accepted_until"] = gettext(
                    "An accepted risk needs the date until which it is accepted; "
                    "enter it as YYYY-MM-DD."
                )
            return errors
        if self.accepted_by.strip():
            errors["accepted_by"] = gettext(
                "Only an accepted risk has someone who accepted it; choose the "
                "decision accept or clear this field."
            )
        if self.accepted_until is not None:
            errors["accepted_until"] = gettext(
                "Only an accepted risk has an acceptance date; choose the "
                "decision accept or clear this field."
            )
        return errors
