"""Summary lines and warnings of the inventory registers, as of today."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vigil.organisations.models import Organisation
from vigil.registers.inventory import checks
from vigil.registers.inventory.models import (
    CardReader,
    Hardware,
    ProfessionalCard,
    Software,
    UpsUnit,
)


def hardware_summary(organisation: Organisation) -> list[str]:
    items = Hardware.objects.filter(organisation=organisation)
    in_use = checks.hardware_in_use(organisation)
    line = _(
        "%(in_use)d in use, %(disposed)d disposed; %(ksz)d in use for KSZ flows."
    ) % {
        "in_use": in_use.count(),
        "disposed": items.exclude(disposal_date=None).count(),
        "ksz": in_use.filter(ksz_flows=True).count(),
    }
    return [line]


def software_summary(organisation: Organisation) -> list[str]:
    today = timezone.localdate()
    line = _(
        "%(count)d products; %(past)d past end of support, %(soon)d reaching "
        "it within %(days)d days."
    ) % {
        "count": Software.objects.filter(organisation=organisation).count(),
        "past": checks.software_past_support(organisation, today).count(),
        "soon": checks.software_ending_support(organisation, today).count(),
        "days": checks.SUPPORT_NOTICE_DAYS,
    }
    return [line]


def software_warnings(organisation: Organisation) -> list[str]:
    today = timezone.localdate()
    found = []
    past = checks.software_past_support(organisation, today)
    if count := past.count():
        found.append(
            ngettext(
                "%(count)d product is past end of support: %(names)s.",
                "%(count)d products are past end of support: %(names)s.",
                count,
            )
            % {"count": count, "names": checks.names(past)}
        )
    soon = checks.software_ending_support(organisation, today)
    if count := soon.count():
        found.append(
            ngettext(
                "%(count)d product reaches end of support within %(days)d "
                "days: %(names)s.",
                "%(count)d products reach end of support within %(days)d "
                "days: %(names)s.",
                count,
            )
            % {
                "count": count,
                "days": checks.SUPPORT_NOTICE_DAYS,
                "names": checks.names(soon),
            }
        )
    return found


def reader_summary(organisation: Organisation) -> list[str]:
    readers = CardReader.objects.filter(organisation=organisation)
    count = readers.count()
    line = ngettext(
        "%(count)d reader, %(attached)d attached to a hardware item.",
        "%(count)d readers, %(attached)d attached to a hardware item.",
        count,
    ) % {"count": count, "attached": readers.exclude(hardware=None).count()}
    return [line]


def card_summary(organisation: Organisation) -> list[str]:
    cards = ProfessionalCard.objects.filter(organisation=organisation)
    count = cards.count()
    line = ngettext(
        "%(count)d card, %(safe)d stored safely.",
        "%(count)d cards, %(safe)d stored safely.",
        count,
    ) % {
        "count": count,
        "safe": cards.filter(stored_safely=True).exclude(storage="").count(),
    }
    return [line]


def card_warnings(organisation: Organisation) -> list[str]:
    today = timezone.localdate()
    found = []
    expired = checks.cards_expired(organisation, today)
    if count := expired.count():
        found.append(
            ngettext(
                "%(count)d card is past its validity: %(names)s.",
                "%(count)d cards are past their validity: %(names)s.",
                count,
            )
            % {"count": count, "names": checks.names(expired)}
        )
    unsafe = checks.cards_without_safe_storage(organisation)
    if count := unsafe.count():
        found.append(
            ngettext(
                "%(count)d card has no safe storage: %(names)s (norm 4.2.1.6).",
                "%(count)d cards have no safe storage: %(names)s (norm 4.2.1.6).",
                count,
            )
            % {"count": count, "names": checks.names(unsafe)}
        )
    return found


def ups_summary(organisation: Organisation) -> list[str]:
    units = UpsUnit.objects.filter(organisation=organisation)
    count = units.count()
    protected = Hardware.objects.filter(ups_units__in=units).distinct().count()
    line = ngettext(
        "%(count)d UPS unit, protecting %(protected)d hardware items.",
        "%(count)d UPS units, protecting %(protected)d hardware items.",
        count,
    ) % {"count": count, "protected": protected}
    return [line]


def ups_warnings(organisation: Organisation) -> list[str]:
    today = timezone.localdate()
    found = []
    overdue = checks.ups_test_overdue(organisation, today)
    if count := overdue.count():
        found.append(
            ngettext(
                "%(count)d UPS unit was not tested in the last twelve months: "
                "%(names)s (norm 4.3.3).",
                "%(count)d UPS units were not tested in the last twelve months: "
                "%(names)s (norm 4.3.3).",
                count,
            )
            % {"count": count, "names": checks.names(overdue)}
        )
    failed = checks.ups_test_failed(organisation)
    if count := failed.count():
        found.append(
            ngettext(
                "%(count)d UPS unit failed its last test: %(names)s.",
                "%(count)d UPS units failed their last test: %(names)s.",
                count,
            )
            % {"count": count, "names": checks.names(failed)}
        )
    return found
