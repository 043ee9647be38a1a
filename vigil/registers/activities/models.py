"""What the consultant did and advised, as the annual report lists it."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from vigil.registers.models import RegisterRecord


class Activity(RegisterRecord):
    """One advice, activity, control, campaign, training or meeting."""

    class Kind(models.TextChoices):
        ADVICE = "advice", _("written advice")
        ACTIVITY = "activity", _("activity")
        CONTROL = "control", _("control")
        AWARENESS = "awareness", _("awareness campaign")
        TRAINING = "training", _("training")
        MEETING = "meeting", _("consultation meeting")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("date"))
    subject = models.CharField(_("subject"), max_length=200)
    participants = models.TextField(
        _("participants or audience"),
        blank=True,
        help_text=_("Who took part, who received the advice, or the audience."),
    )
    description = models.TextField(_("description"), blank=True)
    result = models.TextField(
        _("result, minutes or follow-up"),
        blank=True,
        help_text=_(
            "For an advice, the follow-up given; for a control, its result; "
            "for a meeting, the minutes."
        ),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DONE
    )
    hours = models.DecimalField(
        _("hours"), max_digits=6, decimal_places=1, null=True, blank=True
    )

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["organisation", "kind", "date"])]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.subject}"
