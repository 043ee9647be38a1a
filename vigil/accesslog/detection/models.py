"""Settings, subject lists and findings of misuse detection (norm 4.4.4).

Data subjects appear here only as pseudonyms, computed with the organisation's
pseudonym key exactly as the access log stores them: a national number typed
or uploaded by the consultant is pseudonymised before it is saved.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from vigil.organisations.models import Organisation

__all__ = [
    "DetectionSettings",
    "Finding",
    "FindingEntry",
    "OpenCase",
    "Rule",
    "Severity",
    "WatchedSubject",
]

ISO_WEEKDAYS = range(1, 8)


def default_working_days() -> list[int]:
    """Return Monday to Friday as ISO weekday numbers (Monday is 1)."""
    return [1, 2, 3, 4, 5]


class Rule(models.TextChoices):
    OUTSIDE_HOURS = "outside_hours", _("Consultation outside office hours")
    DAILY_VOLUME = "daily_volume", _("Unusual daily volume")
    NO_OPEN_CASE = "no_open_case", _("Consultation without an open case file")
    WATCH_LIST = "watch_list", _("Consultation of a watched data subject")


class Severity(models.TextChoices):
    LOW = "low", _("low")
    MEDIUM = "medium", _("medium")
    HIGH = "high", _("high")


class DetectionSettings(models.Model):
    """An organisation's office hours, volume limits and enabled rules."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="detection_settings"
    )
    office_start = models.TimeField(
        _("office hours start"), default=datetime.time(7, 0)
    )
    office_end = models.TimeField(_("office hours end"), default=datetime.time(19, 0))
    working_days = models.JSONField(
        _("working days"),
        default=default_working_days,
        help_text=_("ISO weekday numbers: 1 is Monday, 7 is Sunday."),
    )
    daily_threshold = models.PositiveIntegerField(
        _("daily volume threshold"),
        default=200,
        validators=[MinValueValidator(1)],
        help_text=_("Entries of one user on one day above which a finding is raised."),
    )
    usual_factor = models.DecimalField(
        _("usual-level factor"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("3.00"),
        validators=[MinValueValidator(Decimal("1.00"))],
        help_text=_(
            "A day counts as unusual when its volume exceeds this factor times "
            "the user's median daily volume."
        ),
    )
    usual_window_days = models.PositiveSmallIntegerField(
        _("usual-level window (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
    )
    usual_min_days = models.PositiveSmallIntegerField(
        _("minimum active days for a usual level"),
        default=5,
        validators=[MinValueValidator(1)],
        help_text=_(
            "A user with fewer active days in the window has no usual level yet, "
            "so only the fixed threshold applies."
        ),
    )
    exempt_user_ids = models.JSONField(
        _("user ids exempt from the office-hours rule"),
        default=list,
        blank=True,
        help_text=_("Program numbers of automated processes that run at night."),
    )
    check_outside_hours = models.BooleanField(
        _("flag consultations outside office hours"), default=True
    )
    check_daily_volume = models.BooleanField(
        _("flag unusual daily volumes"), default=True
    )
    check_open_cases = models.BooleanField(
        _("flag consultations without an open case file"),
        default=False,
        help_text=_("Enable this once the list of open case files is maintained."),
    )
    check_watch_list = models.BooleanField(
        _("flag consultations of watched data subjects"), default=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    tenant_field = "organisation"

    class Meta:
        verbose_name = _("misuse detection settings")
        verbose_name_plural = _("misuse detection settings")

    def __str__(self) -> str:
        return f"{self.organisation_id} detection settings"


class OpenCase(models.Model):
    """A case file reference, or the pseudonym of a subject, with an open case."""

    class Kind(models.TextChoices):
        CASE_REF = "case_ref", _("case file reference")
        SUBJECT = "subject", _("data subject (pseudonym)")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    value = models.CharField(_("value"), max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    tenant_field = "organisation"

    class Meta:
        verbose_name = _("open case file")
        verbose_name_plural = _("open case files")
        ordering = ["organisation", "kind", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "value"], name="open_case_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


class WatchedSubject(models.Model):
    """A data subject whose consultation always raises a finding."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    subject_pseudonym = models.CharField(_("data subject (pseudonym)"), max_length=64)
    label = models.CharField(
        _("label"),
        max_length=200,
        help_text=_("Why the subject is watched, e.g. “colleague” or “mayor”."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    tenant_field = "organisation"

    class Meta:
        verbose_name = _("watched data subject")
        verbose_name_plural = _("watched data subjects")
        ordering = ["organisation", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "subject_pseudonym"],
                name="watched_subject_unique",
            )
        ]

    def __str__(self) -> str:
        return self.label


class Finding(models.Model):
    """Entries of one user that one rule flagged, and their triage.

    ``key`` identifies what the rule flagged (for example the user and the
    day), so that running detection again adds entries to the same finding
    instead of creating a second one. The flagged entries are the
    ``FindingEntry`` rows in ``entry_links``.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DISMISSED = "dismissed", _("dismissed")
        CONFIRMED = "confirmed", _("confirmed")
        INCIDENT = "incident", _("security incident")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    rule = models.CharField(_("rule"), max_length=20, choices=Rule.choices)
    key = models.CharField(max_length=200)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    user_id = models.CharField(_("user id"), max_length=64)
    period_start = models.DateTimeField(_("from"))
    period_end = models.DateTimeField(_("until"))
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    triaged_at = models.DateTimeField(_("triaged at"), null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("triaged by"),
    )
    note = models.TextField(_("note"), blank=True)

    tenant_field = "organisation"

    class Meta:
        verbose_name = _("misuse finding")
        verbose_name_plural = _("misuse findings")
        ordering = ["-period_start", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "rule", "key"], name="finding_key_unique"
            )
        ]
        indexes = [models.Index(fields=["organisation", "status", "-period_start"])]

    def __str__(self) -> str:
        # A period may start at local midnight, which is the previous day in UTC.
        day = timezone.localtime(self.period_start, timezone.get_default_timezone())
        return f"{self.get_rule_display()} {self.user_id} {day:%Y-%m-%d}"

    @property
    def description(self) -> str:
        """What the rule found, in the active language, from ``details``."""
        template = _DESCRIPTIONS.get(self.rule)
        if template is None:
            return self.get_rule_display()
        values = {key: self.details.get(key) for key in _DESCRIPTION_KEYS}
        values["limit"] = _usual_limit(*(self.details.get(key) for key in _LEVEL_KEYS))
        values = {key: "—" if value is None else value for key, value in values.items()}
        if not isinstance(values["count"], int):
            values["count"] = 0
        for key in _NUMBER_KEYS:
            values[key] = _local_number(values[key])
        if self.rule == Rule.DAILY_VOLUME and self.details.get("median") is None:
            return self._volume_without_usual_level(values)
        return str(template % values)

    def _volume_without_usual_level(self, values: dict[str, object]) -> str:
        """Describe a volume finding of a user who has no usual level yet."""
        threshold_sentence = _VOLUME_OVER_THRESHOLD % values
        min_days = self.details.get("min_active_days")
        if not isinstance(min_days, int) or isinstance(min_days, bool):
            # Findings stored before the rule recorded its minimum.
            return f"{threshold_sentence} {_NO_USUAL_LEVEL}"
        reason = _NO_USUAL_LEVEL_BELOW_MIN_DAYS % {"min_days": min_days}
        return f"{threshold_sentence} {reason}"


class FindingEntry(models.Model):
    """The log index of one entry that a finding flagged.

    A finding names its entries by leaf index in its organisation's log, not
    by row id. The verification covers each entry's index and content but
    not its row id, so someone who swapped two row ids in the database would
    otherwise make the finding show another entry while the log verifies.
    """

    # The unique constraint's index starts with the finding, so the foreign
    # key needs no index of its own.
    finding = models.ForeignKey(
        Finding, on_delete=models.CASCADE, related_name="entry_links", db_index=False
    )
    index = models.BigIntegerField(_("index"))

    tenant_field = "finding__organisation"

    class Meta:
        verbose_name = _("entry of a misuse finding")
        verbose_name_plural = _("entries of misuse findings")
        constraints = [
            models.UniqueConstraint(
                fields=["finding", "index"], name="finding_entry_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.finding_id}:{self.index}"


# The description values that are numbers with a fraction, such as 3.00 and 9.5.
_NUMBER_KEYS = ("factor", "median", "limit")


def _usual_limit(factor: object, median: object) -> str | None:
    """Return the usual level above which the rule flags a day, or None.

    That is the factor, stored as text, times the median, as the rule
    computes it. Values that are not numbers, or too large to write, which
    only a changed row contains, give None.
    """
    if isinstance(median, bool) or not isinstance(median, int | float):
        return None
    try:
        product = Decimal(str(factor)) * Decimal(str(median))
        if not product.is_finite():
            return None
        # Without the trailing zeros of the factor's and the median's digits.
        if product == product.to_integral_value():
            return str(product.quantize(Decimal(1)))
        return str(product.normalize())
    except ArithmeticError:
        return None


def _local_number(value: object) -> object:
    """Return a number as the active language writes it, without a zero fraction.

    Anything that is not a number, such as the dash of a missing value, is
    returned as it is, and so is a number too large to write in full, which
    only a changed row contains.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return value
    try:
        number = Decimal(str(value))
        if not number.is_finite():
            return value
        if number == number.to_integral_value():
            number = number.quantize(Decimal(1))
    except ArithmeticError:
        return value
    return formats.number_format(number)


_DESCRIPTION_KEYS = ("count", "day", "threshold", "median", "factor", "label")
# The factor and the median (the usual level), whose product is the limit.
_LEVEL_KEYS = ("factor", "median")

# Each text takes its plural form from the number of entries, ``count``.
_DESCRIPTIONS: dict[str, Promise] = {
    Rule.OUTSIDE_HOURS: ngettext_lazy(
        "%(count)s access outside office hours on %(day)s.",
        "%(count)s accesses outside office hours on %(day)s.",
        "count",
    ),
    Rule.DAILY_VOLUME: ngettext_lazy(
        "%(count)s access on %(day)s. Threshold: %(threshold)s. Usual level: "
        "%(median)s, so the limit is %(factor)s × %(median)s = %(limit)s.",
        "%(count)s accesses on %(day)s. Threshold: %(threshold)s. Usual level: "
        "%(median)s, so the limit is %(factor)s × %(median)s = %(limit)s.",
        "count",
    ),
    Rule.NO_OPEN_CASE: ngettext_lazy(
        "%(count)s access without an open case file on %(day)s.",
        "%(count)s accesses without an open case file on %(day)s.",
        "count",
    ),
    Rule.WATCH_LIST: ngettext_lazy(
        "%(count)s access to the watched subject “%(label)s” on %(day)s.",
        "%(count)s accesses to the watched subject “%(label)s” on %(day)s.",
        "count",
    ),
}

# A volume finding of a user with fewer active days than the rule's minimum
# has no median, so it gets these two sentences instead of the one above.
_VOLUME_OVER_THRESHOLD = ngettext_lazy(
    "%(count)s access on %(day)s. Threshold: %(threshold)s.",
    "%(count)s accesses on %(day)s. Threshold: %(threshold)s.",
    "count",
)
_NO_USUAL_LEVEL_BELOW_MIN_DAYS = ngettext_lazy(
    "The user has no usual level yet because they were active on fewer than "
    "%(min_days)s day.",
    "The user has no usual level yet because they were active on fewer than "
    "%(min_days)s days.",
    "min_days",
)
_NO_USUAL_LEVEL = _("The user has no usual level yet.")
