"""The authorisation table and the campaigns that review it.

An authorisation states who may use which application or data category, at
which access level and in which period (norm 4.4.1). A review campaign
takes a snapshot of the authorisations valid on its start date; each line
gets a decision, and a closed campaign is kept unchanged as evidence that
the access rights were reviewed (norms 4.4.1 and 4.6.1.1).
"""

import datetime
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.accesslog.models import IdentityPeriod
from vigil.labels import labelled
from vigil.organisations.models import Organisation
from vigil.registers.models import RegisterRecord


class Authorisation(RegisterRecord):
    """One line of the authorisation table."""

    class DataCategory(models.TextChoices):
        SOCIAL_FILE = "social_file", _("social file")
        KSZ_SERVICES = "ksz_services", _("KSZ integration services")
        FINANCIAL = "financial", _("financial data")
        PERSONNEL = "personnel", _("personnel data")
        OTHER = "other", _("other data")

    class AccessLevel(models.TextChoices):
        READ = "read", _("read")
        WRITE = "write", _("write")
        ADMINISTER = "administer", _("administer")

    person_name = models.CharField(_("person"), max_length=200)
    function = models.CharField(_("function"), max_length=200)
    user_id = models.CharField(
        _("user id in KSZ messages"),
        max_length=64,
        blank=True,
        help_text=_(
            "The USERID this person uses in KSZ messages, as in the identity "
            "register of the access log."
        ),
    )
    application = models.CharField(_("application"), max_length=200)
    data_category = models.CharField(
        _("data category"), max_length=20, choices=DataCategory.choices
    )
    access_level = models.CharField(
        _("access level"), max_length=20, choices=AccessLevel.choices
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_("Last day of the authorisation; leave empty while it runs."),
    )
    approved_by = models.CharField(_("approved by"), max_length=200)
    approved_on = models.DateField(_("approved on"))
    legal_basis = models.TextField(
        _("legal basis or purpose"),
        help_text=_("The legal basis or the purpose that justifies the access."),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("authorisation")
        verbose_name_plural = _("authorisations")
        ordering = ["person_name", "application", "id"]
        indexes = [models.Index(fields=["organisation", "user_id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="authorisation_ends_after_start",
                violation_error_message=_(
                    "The authorisation cannot end before it starts."
                ),
            )
        ]

    def __str__(self) -> str:
        level = self.get_access_level_display()
        return f"{self.person_name} · {self.application} ({level})"

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (
            self.valid_until is None or day <= self.valid_until
        )

    def identity_periods(self) -> "models.QuerySet[IdentityPeriod]":
        """Return the identity periods of this user id in the centre, oldest first."""
        if not self.user_id:
            return IdentityPeriod.objects.none()
        return IdentityPeriod.objects.filter(
            organisation_id=self.organisation_id, user_id=self.user_id
        ).order_by("valid_from")

    def has_identity_now(self) -> bool:
        now = timezone.now()
        return (
            self.identity_periods()
            .filter(valid_from__lte=now)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
            .exists()
        )

    def review_lines(self) -> "models.QuerySet[ReviewLine]":
        return ReviewLine.objects.filter(authorisation=self).select_related("campaign")


class ReviewCampaign(models.Model):
    """A periodic review of the authorisations valid on its start date."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    started_on = models.DateField(_("started on"))
    due_by = models.DateField(_("due by"))
    application = models.CharField(
        _("application"),
        max_length=200,
        blank=True,
        help_text=_("Review only this application; leave empty for all."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    tenant_field = "organisation"

    class Meta:
        verbose_name = _("review campaign")
        verbose_name_plural = _("review campaigns")
        ordering = ["-started_on", "-id"]
        indexes = [models.Index(fields=["organisation", "status", "closed_on"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.started_on:%Y-%m-%d})"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class ReviewLine(models.Model):
    """An authorisation as it was at the start of a campaign, and its decision.

    ``snapshot`` contains the authorisation's wire values at the start, so the
    line still shows what was reviewed after the authorisation changes or
    is deleted from the register.
    """

    class Decision(models.TextChoices):
        OPEN = "", _("not decided")
        CONFIRMED = "confirmed", _("confirmed")
        CHANGED = "changed", _("changed")
        REVOKED = "revoked", _("revoked")

    campaign = models.ForeignKey(
        ReviewCampaign, on_delete=models.PROTECT, related_name="lines"
    )
    authorisation = models.ForeignKey(
        Authorisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    snapshot = models.JSONField(_("values at the start"))
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, blank=True
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_by_label = models.CharField(_("decided by"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)

    tenant_field = "campaign__organisation"

    class Meta:
        verbose_name = _("review line")
        verbose_name_plural = _("review lines")
        ordering = ["campaign", "id"]

    def __str__(self) -> str:
        person = self.snapshot.get("person_name", "")
        application = self.snapshot.get("application", "")
        return f"{person} · {application}"

    @property
    def is_open(self) -> bool:
        return not self.decision

    @property
    def change_texts(self) -> list[str]:
        """The decision's changes as "field: old → new", in the active language."""
        return change_texts(self.changes)

    @property
    def access_level_label(self) -> str:
        code = self.snapshot.get("access_level", "")
        return str(dict(Authorisation.AccessLevel.choices).get(code, code))

    @property
    def data_category_label(self) -> str:
        code = self.snapshot.get("data_category", "")
        return str(dict(Authorisation.DataCategory.choices).get(code, code))


def change_texts(changes: Mapping[str, Any]) -> list[str]:
    """Return "field: old → new" for each change that a review decision made.

    ``changes`` maps an authorisation field to its old and new wire values,
    as a decided line stores them. Fields show their verbose names and codes
    their choice labels, in the active language.
    """
    texts = []
    for name, values in sorted(changes.items()):
        try:
            field = Authorisation._meta.get_field(name)
        except FieldDoesNotExist:
            field = None
        label = str(getattr(field, "verbose_name", name))
        old = _wire_text(field, values.get("old"))
        new = _wire_text(field, values.get("new"))
        texts.append(labelled(label, f"{old} → {new}"))
    return texts


def _wire_text(field: Any, value: Any) -> str:
    if value is None or value == "":
        return "—"
    choices = dict(getattr(field, "flatchoices", None) or ())
    return str(choices.get(value, value))
