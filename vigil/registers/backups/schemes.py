"""Backup media rotation schemes: which medium each backup of a day goes on.

Plain Python without Django, so the rotation rules can be read and tested on
their own. Three kinds of scheme exist:

- ``ksz-2005``, the media rotation table of the 2005 KSZ/BCSS explanation of
  the minimum security norms (norm 4.4.2): seventeen media, see
  :class:`Ksz2005Scheme` and docs/backups.md for how weeks are counted;
- grandfather-father-son with configurable media counts;
- Tower of Hanoi with a configurable number of media.

Working days are Monday to Friday; public holidays are not known here.
"""

import datetime
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

# A fixed Monday from which the GFS and Hanoi rotations count sessions, so
# that the medium of a date never depends on when the scheme was created.
EPOCH = datetime.date(2001, 1, 1)
ROMAN = ("I", "II", "III", "IV", "V")
WORKING_DAYS = frozenset(range(5))
MAX_MEDIA = 52
MAX_HANOI_MEDIA = 26


class SlotKind(StrEnum):
    """The kind of backup a slot of a scheme holds, as backup runs record it."""

    INCREMENTAL = "incremental"
    FULL = "full"
    ENVIRONMENT = "environment"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


@dataclass(frozen=True)
class Slot:
    """One backup planned on a date: its kind and the medium it goes on."""

    kind: SlotKind
    medium: str


class SchemeError(ValueError):
    """Scheme parameters that do not make a usable rotation."""


class Scheme(Protocol):
    """A rotation: the media of a date, and how often a backup is due."""

    @property
    def interval_working_days(self) -> int: ...

    def media(self, day: datetime.date) -> tuple[Slot, ...]: ...

    def media_names(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class MonthWeek:
    """The week (Monday to Sunday) around a date, counted as the 2005 scheme does.

    ``odd`` is the parity of the ISO week number. The week belongs to the
    month of its Friday and ``week_in_month`` counts the Fridays of that
    month up to and including this week's, which is always 1 to 5.
    """

    iso_year: int
    iso_week: int
    odd: bool
    year: int
    month: int
    week_in_month: int


def month_week(day: datetime.date) -> MonthWeek:
    """Return the ISO week parity and the week within the month of ``day``."""
    iso_year, iso_week, weekday = day.isocalendar()
    friday = day + datetime.timedelta(days=5 - weekday)
    return MonthWeek(
        iso_year=iso_year,
        iso_week=iso_week,
        odd=iso_week % 2 == 1,
        year=friday.year,
        month=friday.month,
        week_in_month=(friday.day - 1) // 7 + 1,
    )


@dataclass(frozen=True)
class Ksz2005Scheme:
    """The 2005 deck's rotation over seventeen media.

    Monday to Thursday get an incremental backup, Friday a full backup and
    the backup of the IT environment (applications and operating systems).
    Odd ISO weeks use media 1 to 6 (Monday 1 ... Thursday 4, Friday 5, the
    environment 6), even ISO weeks media 7 to 12. Each Friday also gets the
    weekly backup on medium I to V, by the week's number within its month.
    Saturday and Sunday have no backup.
    """

    interval_working_days: int = 1

    def media(self, day: datetime.date) -> tuple[Slot, ...]:
        weekday = day.weekday()
        if weekday not in WORKING_DAYS:
            return ()
        week = month_week(day)
        base = 0 if week.odd else 6
        if weekday < 4:
            return (Slot(SlotKind.INCREMENTAL, str(base + weekday + 1)),)
        return (
            Slot(SlotKind.FULL, str(base + 5)),
            Slot(SlotKind.ENVIRONMENT, str(base + 6)),
            Slot(SlotKind.WEEKLY, ROMAN[week.week_in_month - 1]),
        )

    def media_names(self) -> tuple[str, ...]:
        return (*(str(number) for number in range(1, 13)), *ROMAN)


@dataclass(frozen=True)
class GrandfatherFatherSonScheme:
    """Daily (son), weekly (father) and monthly (grandfather) media.

    The weekly backup is made on ``weekday`` (0 is Monday). On the last such
    weekday of a month it goes on a monthly medium instead. Every other
    working day gets a daily incremental backup. Daily media D1, D2, ... are
    used in turn over the daily sessions counted from a fixed Monday (1
    January 2001), weekly media W1, W2, ... by the week's number within the
    month, and monthly media M1, M2, ... by the month (with twelve monthly
    media, M1 is January).
    """

    daily: int
    weekly: int
    monthly: int
    weekday: int = 4
    interval_working_days: int = 1

    def __post_init__(self) -> None:
        for name in ("daily", "weekly", "monthly"):
            _check_count(name, getattr(self, name), 1, MAX_MEDIA)
        if not 0 <= self.weekday <= 6:
            raise SchemeError(
                f"weekday {self.weekday} is not a day of the week; "
                "use 0 (Monday) to 6 (Sunday)"
            )

    def media(self, day: datetime.date) -> tuple[Slot, ...]:
        if day.weekday() == self.weekday:
            if (day + datetime.timedelta(days=7)).month != day.month:
                index = (day.year * 12 + day.month - 1) % self.monthly
                return (Slot(SlotKind.MONTHLY, f"M{index + 1}"),)
            week = (day.day - 1) // 7
            return (Slot(SlotKind.WEEKLY, f"W{week % self.weekly + 1}"),)
        if day.weekday() not in self._daily_weekdays():
            return ()
        session = self._daily_sessions_before(day)
        return (Slot(SlotKind.INCREMENTAL, f"D{session % self.daily + 1}"),)

    def media_names(self) -> tuple[str, ...]:
        return (
            *(f"D{n}" for n in range(1, self.daily + 1)),
            *(f"W{n}" for n in range(1, self.weekly + 1)),
            *(f"M{n}" for n in range(1, self.monthly + 1)),
        )

    def _daily_weekdays(self) -> list[int]:
        return sorted(WORKING_DAYS - {self.weekday})

    def _daily_sessions_before(self, day: datetime.date) -> int:
        weekdays = self._daily_weekdays()
        weeks = (day - EPOCH).days // 7
        earlier = sum(1 for weekday in weekdays if weekday < day.weekday())
        return weeks * len(weekdays) + earlier


@dataclass(frozen=True)
class TowerOfHanoiScheme:
    """A full backup every working day on media A, B, C, ...

    Working days are numbered from 1 January 2001 (session 1). Session ``k``
    uses the medium whose index is the number of times 2 divides ``k``,
    capped at the last medium: A every second session, B every fourth, C
    every eighth, and the last medium as often as the one before it.
    """

    count: int
    interval_working_days: int = 1

    def __post_init__(self) -> None:
        _check_count("media", self.count, 2, MAX_HANOI_MEDIA)

    def media(self, day: datetime.date) -> tuple[Slot, ...]:
        if day.weekday() not in WORKING_DAYS:
            return ()
        session = _working_days_between(EPOCH, day) + 1
        index = min(_twos(session), self.count - 1)
        return (Slot(SlotKind.FULL, self.media_names()[index]),)

    def media_names(self) -> tuple[str, ...]:
        return tuple(chr(ord("A") + index) for index in range(self.count))


def _check_count(name: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise SchemeError(f"{name} is {value}; use a number from {low} to {high}")


def _twos(number: int) -> int:
    """Return how many times 2 divides ``number``, which must be at least 1."""
    return (number & -number).bit_length() - 1


def _working_days_between(start: datetime.date, day: datetime.date) -> int:
    """Count the working days from ``start`` (a Monday) up to ``day``, exclusive."""
    weeks, rest = divmod((day - start).days, 7)
    return weeks * 5 + min(rest, 5)


def previous_working_day(day: datetime.date, count: int = 1) -> datetime.date:
    """Return the working day ``count`` working days before ``day``."""
    found = day
    while count > 0:
        found -= datetime.timedelta(days=1)
        if found.weekday() in WORKING_DAYS:
            count -= 1
    return found


KSZ_2005 = "ksz-2005"
BUILT_IN: dict[str, Scheme] = {KSZ_2005: Ksz2005Scheme()}
