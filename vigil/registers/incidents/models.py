"""Security incidents (norms 4.4.4 and 4.6.1.2), from detection to closure."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from vigil.accesslog.detection.models import Finding
from vigil.registers.models import RegisterRecord


class Incident(RegisterRecord):
    """One security incident: what happened, its impact, handling and lessons."""

    class Category(models.TextChoices):
        MALWARE = "malware", _("virus or malware")
        INTRUSION = "intrusion", _("intrusion")
        LOSS_THEFT = "loss_theft", _("loss or theft")
        ACCESS_MISUSE = "access_misuse", _("misuse of access")
        AVAILABILITY = "availability", _("availability")
        OTHER = "other", _("other")

    class Impact(models.TextChoices):
        NONE = "none", _("none")
        LOW = "low", _("low")
        MEDIUM = "medium", _("medium")
        HIGH = "high", _("high")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CONTAINED = "contained", _("contained")
        RESOLVED = "resolved", _("resolved")
        CLOSED = "closed", _("closed")

    class Notification(models.TextChoices):
        PENDING = "pending", _("not decided yet")
        NOTIFIED = "notified", _("notified to the GBA/APD")
        NOT_NOTIFIED = "not_notified", _("decided not to notify")

    title = models.CharField(_("title"), max_length=200)
    detected_at = models.DateTimeField(_("detected at"))
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    reported_by = models.CharField(
        _("reported by"),
        max_length=200,
        blank=True,
        help_text=_("The person or system that reported the incident."),
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    affected_systems = models.TextField(_("affected systems"), blank=True)
    affected_data = models.TextField(_("affected data"), blank=True)
    impact_confidentiality = models.CharField(
        _("impact on confidentiality"),
        max_length=10,
        choices=Impact.choices,
        default=Impact.NONE,
    )
    impact_integrity = models.CharField(
        _("impact on integrity"),
        max_length=10,
        choices=Impact.choices,
        default=Impact.NONE,
    )
    impact_availability = models.CharField(
        _("impact on availability"),
        max_length=10,
        choices=Impact.choices,
        default=Impact.NONE,
    )
    personal_data = models.BooleanField(
        _("personal data involved"),
        default=False,
        help_text=_(
            "A personal data breach must be notified to the data protection "
            "authority (GBA/APD) within 72 hours of its detection (GDPR, art. 33)."
        ),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    actions_taken = models.TextField(_("actions taken"), blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    lessons_learned = models.TextField(_("lessons learned"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    notification = models.CharField(
        _("notification to the GBA/APD"),
        max_length=20,
        choices=Notification.choices,
        default=Notification.PENDING,
    )
    notified_at = models.DateTimeField(
        _("notified to the GBA/APD at"), null=True, blank=True
    )
    notification_reference = models.CharField(
        _("GBA/APD reference"),
        max_length=100,
        blank=True,
        help_text=_("The reference the authority gave to the notification."),
    )
    no_notification_reason = models.TextField(
        _("reason not to notify"),
        blank=True,
        help_text=_(
            "Why the breach is unlikely to result in a risk to the rights and "
            "freedoms of the data subjects (GDPR, art. 33.1)."
        ),
    )
    finding = models.OneToOneField(
        Finding,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        # Finding.incident lets the triage of a finding see, without this
        # app, whether the finding was recorded as an incident.
        related_name="incident",
        verbose_name=_("misuse finding"),
    )

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-detected_at", "-id"]
        indexes = [models.Index(fields=["organisation", "status", "detected_at"])]

    def __str__(self) -> str:
        return self.title
