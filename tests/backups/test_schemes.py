"""The rotation schemes: the 2005 deck's table, GFS and Tower of Hanoi."""

import datetime

import pytest

from vigil.registers.backups.schemes import (
    GrandfatherFatherSonScheme,
    Ksz2005Scheme,
    SchemeError,
    Slot,
    SlotKind,
    TowerOfHanoiScheme,
    month_week,
    previous_working_day,
)

INC, FULL, ENV, WEEKLY, MONTHLY = (
    SlotKind.INCREMENTAL,
    SlotKind.FULL,
    SlotKind.ENVIRONMENT,
    SlotKind.WEEKLY,
    SlotKind.MONTHLY,
)

# Written by hand from the deck's media rotation table: odd ISO weeks use
# media 1 to 6, even ISO weeks 7 to 12, the weekly medium is I to V by the
# number of the Friday within its month.
KSZ_TABLE: list[tuple[str, list[tuple[SlotKind, str]]]] = [
    # November 2026: Fridays 6, 13, 20, 27; ISO weeks 45 to 48.
    ("2026-11-02", [(INC, "1")]),  # Monday, week 45 (odd)
    ("2026-11-05", [(INC, "4")]),  # Thursday
    ("2026-11-06", [(FULL, "5"), (ENV, "6"), (WEEKLY, "I")]),
    ("2026-11-07", []),  # Saturday
    ("2026-11-08", []),  # Sunday
    ("2026-11-09", [(INC, "7")]),  # Monday, week 46 (even)
    ("2026-11-11", [(INC, "9")]),  # Wednesday
    ("2026-11-13", [(FULL, "11"), (ENV, "12"), (WEEKLY, "II")]),
    ("2026-11-17", [(INC, "2")]),  # Tuesday, week 47 (odd)
    ("2026-11-20", [(FULL, "5"), (ENV, "6"), (WEEKLY, "III")]),
    ("2026-11-26", [(INC, "10")]),  # Thursday, week 48 (even)
    ("2026-11-27", [(FULL, "11"), (ENV, "12"), (WEEKLY, "IV")]),
    # Monday 30 November belongs to the week of Friday 4 December.
    ("2026-11-30", [(INC, "1")]),  # week 49 (odd)
    ("2026-12-04", [(FULL, "5"), (ENV, "6"), (WEEKLY, "I")]),
    ("2026-12-25", [(FULL, "11"), (ENV, "12"), (WEEKLY, "IV")]),  # week 52
    # 2026 has 53 ISO weeks: week 53 and week 1 of 2027 are both odd.
    ("2026-12-28", [(INC, "1")]),  # week 53
    ("2027-01-01", [(FULL, "5"), (ENV, "6"), (WEEKLY, "I")]),  # week 53
    ("2027-01-04", [(INC, "1")]),  # week 1 of 2027
    ("2027-01-08", [(FULL, "5"), (ENV, "6"), (WEEKLY, "II")]),
    ("2027-01-11", [(INC, "7")]),  # week 2 (even)
    # January 2027 has five Fridays: 1, 8, 15, 22 and 29.
    ("2027-01-22", [(FULL, "5"), (ENV, "6"), (WEEKLY, "IV")]),  # week 3
    ("2027-01-29", [(FULL, "11"), (ENV, "12"), (WEEKLY, "V")]),  # week 4
    ("2027-02-05", [(FULL, "5"), (ENV, "6"), (WEEKLY, "I")]),  # week 5
]


@pytest.mark.parametrize(("day", "expected"), KSZ_TABLE, ids=[d for d, _ in KSZ_TABLE])
def test_ksz_2005_media(day: str, expected: list[tuple[SlotKind, str]]) -> None:
    slots = Ksz2005Scheme().media(datetime.date.fromisoformat(day))

    assert slots == tuple(Slot(kind, medium) for kind, medium in expected)


def test_ksz_2005_has_seventeen_media() -> None:
    names = Ksz2005Scheme().media_names()

    assert len(names) == 17
    assert names[:12] == tuple(str(number) for number in range(1, 13))
    assert names[12:] == ("I", "II", "III", "IV", "V")


def test_ksz_2005_uses_every_medium_over_two_months() -> None:
    start = datetime.date(2027, 1, 1)
    used = {
        slot.medium
        for offset in range(62)
        for slot in Ksz2005Scheme().media(start + datetime.timedelta(days=offset))
    }

    assert used == set(Ksz2005Scheme().media_names())


def test_month_week_of_a_monday_before_the_month() -> None:
    week = month_week(datetime.date(2026, 9, 28))

    assert (week.year, week.month, week.week_in_month) == (2026, 10, 1)
    assert week.iso_week == 40
    assert week.odd is False


def test_month_week_is_always_one_to_five() -> None:
    start = datetime.date(2024, 1, 1)
    weeks = {
        month_week(start + datetime.timedelta(days=offset)).week_in_month
        for offset in range(366 * 4)
    }

    assert weeks == {1, 2, 3, 4, 5}


def test_gfs_december_2026() -> None:
    scheme = GrandfatherFatherSonScheme(daily=4, weekly=4, monthly=12, weekday=4)
    days = {
        "2026-11-30": (INC, "D1"),
        "2026-12-03": (INC, "D4"),
        "2026-12-04": (WEEKLY, "W1"),
        "2026-12-11": (WEEKLY, "W2"),
        "2026-12-18": (WEEKLY, "W3"),
        "2026-12-25": (MONTHLY, "M12"),  # last Friday of December
        "2027-01-29": (MONTHLY, "M1"),
        "2027-01-22": (WEEKLY, "W4"),
    }

    for day, (kind, medium) in days.items():
        assert scheme.media(datetime.date.fromisoformat(day)) == (
            Slot(kind, medium),
        ), day
    assert scheme.media(datetime.date(2026, 12, 5)) == ()


def test_gfs_rotates_fewer_daily_media() -> None:
    scheme = GrandfatherFatherSonScheme(daily=3, weekly=2, monthly=3, weekday=4)
    monday = datetime.date(2001, 1, 1)  # the first session of every rotation
    media = [
        scheme.media(monday + datetime.timedelta(days=offset))[0].medium
        for offset in (0, 1, 2, 3, 7, 8)
    ]

    assert media == ["D1", "D2", "D3", "D1", "D2", "D3"]
    assert scheme.media(datetime.date(2026, 12, 18)) == (Slot(WEEKLY, "W1"),)
    assert scheme.media_names() == ("D1", "D2", "D3", "W1", "W2", "M1", "M2", "M3")


def test_gfs_rejects_bad_counts() -> None:
    with pytest.raises(SchemeError, match="daily is 0; use a number from 1 to 52"):
        GrandfatherFatherSonScheme(daily=0, weekly=4, monthly=12)
    with pytest.raises(SchemeError, match="weekday 7 is not a day of the week"):
        GrandfatherFatherSonScheme(daily=4, weekly=4, monthly=12, weekday=7)


def test_hanoi_sequence() -> None:
    scheme = TowerOfHanoiScheme(count=4)
    start = datetime.date(2001, 1, 1)
    working = [
        start + datetime.timedelta(days=offset)
        for offset in range(25)
        if (start + datetime.timedelta(days=offset)).weekday() < 5
    ]
    media = "".join(scheme.media(day)[0].medium for day in working[:16])

    assert media == "ABACABADABACABAD"
    assert scheme.media(datetime.date(2001, 1, 6)) == ()
    assert scheme.media(working[0])[0].kind == FULL


def test_hanoi_three_media_cap() -> None:
    scheme = TowerOfHanoiScheme(count=3)
    start = datetime.date(2001, 1, 1)
    offsets = (0, 1, 2, 3, 4, 7, 8, 9)
    days = [start + datetime.timedelta(days=offset) for offset in offsets]

    assert [scheme.media(day)[0].medium for day in days] == list("ABACABAC")


def test_hanoi_rejects_one_medium() -> None:
    with pytest.raises(SchemeError, match="media is 1; use a number from 2 to 26"):
        TowerOfHanoiScheme(count=1)


def test_previous_working_day_skips_weekend() -> None:
    monday = datetime.date(2026, 11, 30)

    assert previous_working_day(monday) == datetime.date(2026, 11, 27)
    assert previous_working_day(monday, 2) == datetime.date(2026, 11, 26)
