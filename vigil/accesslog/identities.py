"""The identity register: which natural person held a USERID when.

Norm 4.4.5 requires that the USERID in the prefix of every KSZ message can
be traced to a natural person. The register keeps, per organisation, periods
``[valid_from, valid_until)`` in which a user id (a person's id or a program
number) belonged to one person. Periods of the same user id never overlap,
so an entry's user id and time name at most one person. Periods are never
deleted; a period that ends gets its ``valid_until``.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.accesslog.events import USER_ID_MAX_LENGTH
from vigil.accesslog.models import IdentityPeriod
from vigil.audit.services import record
from vigil.organisations.models import Organisation

PERSON_NAME_MAX_LENGTH = 200

type Lookup = tuple[str, datetime.datetime]


class PeriodOverlapError(ValidationError):
    """A period that would overlap ``period``, another period of its user id."""

    def __init__(self, message: str, period: IdentityPeriod) -> None:
        super().__init__(message, code="overlap")
        self.period = period


def _format_time(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _check_user_id(user_id: str) -> str:
    if (
        not user_id
        or len(user_id) > USER_ID_MAX_LENGTH
        or not user_id.isprintable()
        or user_id != user_id.strip()
    ):
        raise ValidationError(
            {
                "user_id": _(
                    "Enter the user id as it appears in KSZ messages: 1 to "
                    "%(maximum)d characters without control characters or "
                    "surrounding spaces."
                )
                % {"maximum": USER_ID_MAX_LENGTH}
            }
        )
    return user_id


def _check_period(
    valid_from: datetime.datetime, valid_until: datetime.datetime | None
) -> None:
    for name, moment in (("valid_from", valid_from), ("valid_until", valid_until)):
        if moment is not None and timezone.is_naive(moment):
            raise ValueError(f"{name} {moment} has no time zone")
    if valid_until is not None and valid_until <= valid_from:
        raise ValidationError(
            {"valid_until": _("The end of the period must come after its start.")}
        )


def _overlapping(
    organisation: Organisation,
    user_id: str,
    valid_from: datetime.datetime,
    valid_until: datetime.datetime | None,
    exclude: int | None = None,
) -> IdentityPeriod | None:
    periods = IdentityPeriod.objects.filter(
        organisation=organisation, user_id=user_id
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gt=valid_from))
    if valid_until is not None:
        periods = periods.filter(valid_from__lt=valid_until)
    if exclude is not None:
        periods = periods.exclude(pk=exclude)
    return periods.order_by("valid_from").first()


def _reject_overlap(other: IdentityPeriod, user_id: str) -> None:
    values = {
        "user_id": user_id,
        "person": other.person_name,
        "start": _format_time(other.valid_from),
    }
    if other.valid_until is None:
        message = _(
            "User id %(user_id)s is already assigned to %(person)s from "
            "%(start)s, with no end date. Periods of one user id may not "
            "overlap: end that period first or choose other dates."
        )
    else:
        values["end"] = _format_time(other.valid_until)
        message = _(
            "User id %(user_id)s is already assigned to %(person)s from "
            "%(start)s until %(end)s. Periods of one user id may not overlap: "
            "end that period first or choose other dates."
        )
    raise PeriodOverlapError(message % values, other)


def _lock_register(organisation: Organisation) -> None:
    """Serialise changes to one organisation's register.

    PostgreSQL locks the organisation row; SQLite's IMMEDIATE transactions
    already serialise every writer.
    """
    list(
        Organisation.objects.select_for_update()
        .filter(pk=organisation.pk)
        .values_list("pk", flat=True)
    )


@transaction.atomic
def add_identity_period(
    organisation: Organisation,
    user_id: str,
    person_name: str,
    valid_from: datetime.datetime,
    valid_until: datetime.datetime | None = None,
    *,
    actor: Any,
    person_reference: str = "",
    note: str = "",
) -> IdentityPeriod:
    """Record that ``person_name`` held ``user_id`` from ``valid_from`` on.

    Raises PeriodOverlapError, a ValidationError, if the period overlaps
    another period of the same user id (naming that period), and
    ValidationError if it ends before it starts or if a value is invalid.
    """
    user_id = _check_user_id(user_id)
    person_name = person_name.strip()
    if not person_name or len(person_name) > PERSON_NAME_MAX_LENGTH:
        raise ValidationError(
            {"person_name": _("Enter the name of the person, at most 200 characters.")}
        )
    _check_period(valid_from, valid_until)
    _lock_register(organisation)
    other = _overlapping(organisation, user_id, valid_from, valid_until)
    if other is not None:
        _reject_overlap(other, user_id)
    period = IdentityPeriod.objects.create(
        organisation=organisation,
        user_id=user_id,
        person_name=person_name,
        person_reference=person_reference.strip(),
        valid_from=valid_from,
        valid_until=valid_until,
        note=note,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record(
        "identity.added",
        actor=actor,
        target=period,
        organisation=organisation,
        new={
            "user_id": user_id,
            "person_name": person_name,
            "person_reference": period.person_reference,
            "valid_from": valid_from,
            "valid_until": valid_until,
        },
    )
    return period


@transaction.atomic
def end_identity_period(
    period: IdentityPeriod, valid_until: datetime.datetime, *, actor: Any
) -> IdentityPeriod:
    """Set or move the end of ``period``, raising PeriodOverlapError on an overlap.

    The same end again changes nothing and writes no audit record.
    """
    organisation = period.organisation
    _lock_register(organisation)
    period = IdentityPeriod.objects.get(pk=period.pk)
    if period.valid_until == valid_until:
        return period
    _check_period(period.valid_from, valid_until)
    other = _overlapping(
        organisation, period.user_id, period.valid_from, valid_until, exclude=period.pk
    )
    if other is not None:
        _reject_overlap(other, period.user_id)
    old_end = period.valid_until
    period.valid_until = valid_until
    period.save(update_fields=["valid_until"])
    record(
        "identity.ended",
        actor=actor,
        target=period,
        organisation=organisation,
        old={"valid_until": old_end},
        new={"valid_until": valid_until},
    )
    return period


def resolve_person(
    organisation: Organisation, user_id: str, time: datetime.datetime
) -> IdentityPeriod | None:
    """Return the period in which ``user_id`` was held at ``time``, or None."""
    return (
        IdentityPeriod.objects.filter(
            organisation=organisation, user_id=user_id, valid_from__lte=time
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=time))
        .first()
    )


def resolve_many(
    organisation: Organisation, lookups: Iterable[Lookup]
) -> dict[Lookup, IdentityPeriod]:
    """Resolve ``(user_id, time)`` pairs, such as a page of entries, in one query.

    The result maps each pair that some period covers to that period; a pair
    that no period covers is left out.
    """
    pairs = set(lookups)
    if not pairs:
        return {}
    periods_by_user: dict[str, list[IdentityPeriod]] = {}
    periods = IdentityPeriod.objects.filter(
        organisation=organisation, user_id__in={user_id for user_id, _ in pairs}
    )
    for period in periods:
        periods_by_user.setdefault(period.user_id, []).append(period)
    resolved: dict[Lookup, IdentityPeriod] = {}
    for user_id, time in pairs:
        for period in periods_by_user.get(user_id, ()):
            if period.valid_from <= time and (
                period.valid_until is None or time < period.valid_until
            ):
                resolved[(user_id, time)] = period
                break
    return resolved


def periods_of_account(
    organisation: Organisation,
    user_id: str,
    start: datetime.datetime,
    end: datetime.datetime,
    account: Any,
) -> list[IdentityPeriod]:
    """Return the periods in which the person of ``account`` held ``user_id``.

    A period counts if it overlaps ``[start, end]`` and its person reference
    is the account's e-mail address, compared without regard to case. The
    register has no other link between a person and a Vigil account, so a
    period whose reference is a staff number matches no account.
    """
    email = str(getattr(account, "email", "") or "").strip()
    if not email:
        return []
    periods = IdentityPeriod.objects.filter(
        organisation=organisation,
        user_id=user_id,
        person_reference__iexact=email,
        valid_from__lte=end,
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gt=start))
    return list(periods.order_by("valid_from"))


def identity_periods(
    organisation: Organisation, user_id: str | None = None
) -> QuerySet[IdentityPeriod]:
    """Return the organisation's periods, by user id and start."""
    periods = IdentityPeriod.objects.filter(organisation=organisation)
    if user_id is not None:
        periods = periods.filter(user_id=user_id)
    return periods.order_by("user_id", "valid_from")
