"""Backup schemes, runs, repository checks and restore tests (norm 4.4.2)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vigil.registers.backups import schemes
from vigil.registers.models import RegisterRecord


class Weekday(models.TextChoices):
    MONDAY = "monday", _("Monday")
    TUESDAY = "tuesday", _("Tuesday")
    WEDNESDAY = "wednesday", _("Wednesday")
    THURSDAY = "thursday", _("Thursday")
    FRIDAY = "friday", _("Friday")
    SATURDAY = "saturday", _("Saturday")
    SUNDAY = "sunday", _("Sunday")

    @property
    def number(self) -> int:
        """The day's number as ``datetime.date.weekday`` gives it, 0 for Monday."""
        return list(Weekday).index(self)


class Result(models.TextChoices):
    SUCCESS = "success", _("success")
    WARNING = "warning", _("warning")
    FAILED = "failed", _("failed")


class Tool(models.TextChoices):
    MANUAL = "manual", _("manual")
    RESTIC = "restic", _("restic")
    BORG = "borg", _("borg")
    OTHER = "other", _("other")


class BackupScheme(RegisterRecord):
    """A media rotation a centre uses, with the periods its warnings check.

    The built-in ``ksz-2005`` scheme needs no record. A centre stores a
    scheme to use another rotation or other periods, and marks the one in
    use. Without one in use, the warnings use ``ksz-2005`` and the defaults.
    """

    class Kind(models.TextChoices):
        KSZ_2005 = "ksz-2005", _("KSZ 2005 media rotation (17 media)")
        GFS = "gfs", _("grandfather-father-son")
        HANOI = "hanoi", _("Tower of Hanoi")

    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    daily_media = models.PositiveSmallIntegerField(
        _("daily media"),
        null=True,
        blank=True,
        help_text=_("Grandfather-father-son: number of daily media (D1, D2, ...)."),
    )
    weekly_media = models.PositiveSmallIntegerField(
        _("weekly media"),
        null=True,
        blank=True,
        help_text=_("Grandfather-father-son: number of weekly media (W1, W2, ...)."),
    )
    monthly_media = models.PositiveSmallIntegerField(
        _("monthly media"),
        null=True,
        blank=True,
        help_text=_("Grandfather-father-son: number of monthly media (M1, M2, ...)."),
    )
    weekday = models.CharField(
        _("day of the weekly backup"),
        max_length=10,
        choices=Weekday.choices,
        blank=True,
        help_text=_(
            "Grandfather-father-son: the day of the weekly and monthly backup."
        ),
    )
    hanoi_media = models.PositiveSmallIntegerField(
        _("Tower of Hanoi media"),
        null=True,
        blank=True,
        help_text=_("Tower of Hanoi: number of media (A, B, C, ...), 2 to 26."),
    )
    in_use = models.BooleanField(
        _("in use"),
        default=False,
        help_text=_("The warnings check the backup runs against the scheme in use."),
    )
    restore_test_days = models.PositiveSmallIntegerField(
        _("restore test period (days)"),
        default=90,
        help_text=_("Warn when no restore test was made in this many days."),
    )
    check_days = models.PositiveSmallIntegerField(
        _("check period (days)"),
        default=30,
        help_text=_("Warn when the last check of any kind is older than this."),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("backup scheme")
        verbose_name_plural = _("backup schemes")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="backups_scheme_name_unique",
                violation_error_message=_(
                    "A scheme with this name already exists in this centre; "
                    "choose another name."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.name.strip().lower() == schemes.KSZ_2005:
            errors["name"] = _(
                "The name ksz-2005 is the built-in scheme; choose another name."
            )
        errors.update(self._parameter_errors())
        errors.update(self._in_use_errors())
        if errors:
            raise ValidationError(errors)

    def _parameter_errors(self) -> dict[str, Any]:
        required: tuple[str, ...] = ()
        if self.kind == self.Kind.GFS:
            required = ("daily_media", "weekly_media", "monthly_media", "weekday")
        elif self.kind == self.Kind.HANOI:
            required = ("hanoi_media",)
        errors: dict[str, Any] = {
            name: _("Required for this kind of scheme; fill it in.")
            for name in required
            if getattr(self, name) in (None, "")
        }
        limits = {"hanoi_media": (2, schemes.MAX_HANOI_MEDIA)}
        for name in required:
            value = getattr(self, name)
            low, high = limits.get(name, (1, schemes.MAX_MEDIA))
            if name == "weekday" or value is None or low <= value <= high:
                continue
            errors[name] = _(
                "%(value)s is out of range; use a number from %(low)s to %(high)s."
            ) % {"value": value, "low": low, "high": high}
        return errors

    def _in_use_errors(self) -> dict[str, Any]:
        if not self.in_use or self.organisation_id is None:
            return {}
        others = BackupScheme.objects.filter(
            organisation_id=self.organisation_id, in_use=True
        ).exclude(pk=self.pk)
        other = others.first()
        if other is None:
            return {}
        return {
            "in_use": _(
                "The scheme %(name)s is already in use; mark it as not in use first."
            )
            % {"name": other.name}
        }


def rotation(scheme: BackupScheme) -> schemes.Scheme:
    """Return the rotation of a stored scheme; raise SchemeError for bad counts."""
    if scheme.kind == BackupScheme.Kind.GFS:
        return schemes.GrandfatherFatherSonScheme(
            daily=scheme.daily_media or 0,
            weekly=scheme.weekly_media or 0,
            monthly=scheme.monthly_media or 0,
            weekday=Weekday(scheme.weekday or Weekday.FRIDAY).number,
        )
    if scheme.kind == BackupScheme.Kind.HANOI:
        return schemes.TowerOfHanoiScheme(count=scheme.hanoi_media or 0)
    return schemes.Ksz2005Scheme()


class BackupRun(RegisterRecord):
    """One backup that ran, entered by hand or imported from restic or borg."""

    class Scope(models.TextChoices):
        DATA = "data", _("data")
        SYSTEMS = "systems", _("applications and systems")
        ENVIRONMENT = "environment", _("full environment")

    class Kind(models.TextChoices):
        INCREMENTAL = "incremental", _("incremental")
        FULL = "full", _("full")
        ENVIRONMENT = "environment", _("environment")
        WEEKLY = "weekly", _("weekly")
        MONTHLY = "monthly", _("monthly")

    started_at = models.DateTimeField(_("date and time"))
    scope = models.CharField(
        _("scope"), max_length=20, choices=Scope.choices, default=Scope.DATA
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    medium = models.CharField(
        # Without a context the word would share the translation of the
        # severity "medium" of misuse findings.
        pgettext_lazy("backup medium", "medium"),
        max_length=20,
        blank=True,
        help_text=_("The medium as the scheme names it, for example 5 or III."),
    )
    result = models.CharField(_("result"), max_length=20, choices=Result.choices)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    tool = models.CharField(
        _("tool"), max_length=20, choices=Tool.choices, default=Tool.MANUAL
    )
    reference = models.CharField(
        _("snapshot or archive id"),
        max_length=100,
        blank=True,
        help_text=_("The restic snapshot id or borg archive id, set by imports."),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("backup run")
        verbose_name_plural = _("backup runs")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["organisation", "started_at"])]

    def __str__(self) -> str:
        started = timezone.localtime(self.started_at)
        return (
            f"{started:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.medium}".strip()
        )


class BackupCheck(RegisterRecord):
    """A check of a backup repository; a check is not a backup run."""

    class Kind(models.TextChoices):
        RESTORE_TEST = "restore_test", _("restore test")
        FULL_DATA = "full_data", _("full data check")
        STRUCTURE = "structure", _("structure check")

    date = models.DateField(_("date"))
    repository = models.CharField(_("repository"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    result = models.CharField(_("result"), max_length=20, choices=Result.choices)
    tool = models.CharField(
        _("tool"), max_length=20, choices=Tool.choices, default=Tool.MANUAL
    )
    checked_by = models.CharField(_("checked by"), max_length=120, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("backup check")
        verbose_name_plural = _("backup checks")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"


class RestoreTest(RegisterRecord):
    """Data restored from a backup to prove that it can be restored."""

    date = models.DateField(_("date"))
    restored = models.CharField(_("what was restored"), max_length=200)
    target = models.CharField(
        _("restored to"),
        max_length=200,
        help_text=_("Where the data was restored: a test server, a folder."),
    )
    result = models.CharField(_("result"), max_length=20, choices=Result.choices)
    checked_by = models.CharField(_("checked by"), max_length=120)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("restore test")
        verbose_name_plural = _("restore tests")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.restored}"
