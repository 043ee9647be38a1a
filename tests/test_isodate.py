"""The shared ISO 8601 date and time parser, and its summer-time checks."""

import argparse
import datetime
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation

from vigil.isodate import (
    InvalidDateTimeError,
    date_argument,
    datetime_argument,
    day_period,
    day_start,
    format_local,
    parse_date,
    parse_datetime,
)

BRUSSELS = ZoneInfo("Europe/Brussels")
UTC = datetime.UTC
SKIPPED_2026 = (
    "“2026-03-29T02:30” does not exist in Europe/Brussels: on 2026-03-29 the "
    "clocks go forward from 02:00 to 03:00, so there is no local time from 02:00 "
    "up to 03:00. Enter a time before 02:00 or from 03:00 on."
)
DOUBLED_2026 = (
    "“2026-10-25T02:30” occurs twice in Europe/Brussels, because on 2026-10-25 "
    "the clocks go back from 03:00 to 02:00. Add the UTC offset to say which one "
    "you mean: 2026-10-25T02:30+02:00 is the first and 2026-10-25T02:30+01:00 the "
    "second. Or enter a time before 02:00 or from 03:00 on."
)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def rejection(text: str, **options: bool) -> InvalidDateTimeError:
    with pytest.raises(InvalidDateTimeError) as raised:
        parse_datetime(text, zone=BRUSSELS, **options)
    return raised.value


def test_settings_zone_is_brussels() -> None:
    assert settings.TIME_ZONE == "Europe/Brussels"


def test_date_parsed() -> None:
    assert parse_date("2026-03-12") == datetime.date(2026, 3, 12)
    assert parse_date(" 2026-3-2 ") == datetime.date(2026, 3, 2)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "11/01/2026",
            "“11/01/2026” is not a date; write it as YYYY-MM-DD, for example "
            "2026-03-12.",
        ),
        (
            "2026-02-30",
            "“2026-02-30” is not a date: February 2026 has 28 days; write "
            "YYYY-MM-DD, for example 2026-03-12.",
        ),
        (
            "2028-02-30",
            "“2028-02-30” is not a date: February 2028 has 29 days; write "
            "YYYY-MM-DD, for example 2026-03-12.",
        ),
        (
            "2026-13-01",
            "“2026-13-01” is not a date: there is no month 13; write YYYY-MM-DD, "
            "for example 2026-03-12.",
        ),
        (
            "0000-01-01",
            "“0000-01-01” is not a date: there is no year 0; write YYYY-MM-DD, "
            "for example 2026-03-12.",
        ),
        (
            "2026-03-12T10:00",
            "“2026-03-12T10:00” is not a date; write it as YYYY-MM-DD, for "
            "example 2026-03-12.",
        ),
    ],
)
def test_invalid_date_explained(text: str, message: str) -> None:
    with pytest.raises(InvalidDateTimeError) as raised:
        parse_date(text)

    assert str(raised.value) == message
    assert raised.value.code == "invalid"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-12T14:30", datetime.datetime(2026, 3, 12, 13, 30, tzinfo=UTC)),
        ("2026-03-12 14:30", datetime.datetime(2026, 3, 12, 13, 30, tzinfo=UTC)),
        ("2026-03-12T14:30:15", datetime.datetime(2026, 3, 12, 13, 30, 15, tzinfo=UTC)),
        (
            "2026-03-12T14:30:15.25",
            datetime.datetime(2026, 3, 12, 13, 30, 15, 250000, tzinfo=UTC),
        ),
        ("2026-07-12T14:30", datetime.datetime(2026, 7, 12, 12, 30, tzinfo=UTC)),
        ("2026-03-12T14:30Z", datetime.datetime(2026, 3, 12, 14, 30, tzinfo=UTC)),
        ("2026-03-12t14:30z", datetime.datetime(2026, 3, 12, 14, 30, tzinfo=UTC)),
        ("2026-03-12T14:30+05:30", datetime.datetime(2026, 3, 12, 9, 0, tzinfo=UTC)),
        ("2026-03-12T14:30-0300", datetime.datetime(2026, 3, 12, 17, 30, tzinfo=UTC)),
        ("2026-03-12T14:30+01", datetime.datetime(2026, 3, 12, 13, 30, tzinfo=UTC)),
        ("2026-03-12", datetime.datetime(2026, 3, 11, 23, 0, tzinfo=UTC)),
        ("2026-07-12", datetime.datetime(2026, 7, 11, 22, 0, tzinfo=UTC)),
    ],
)
def test_datetime_parsed(text: str, expected: datetime.datetime) -> None:
    moment = parse_datetime(text, zone=BRUSSELS)

    assert moment == expected
    assert moment.tzinfo is not None


def test_offset_kept_as_given() -> None:
    moment = parse_datetime("2026-03-12T14:30+05:30", zone=BRUSSELS)

    assert moment.utcoffset() == datetime.timedelta(hours=5, minutes=30)


def test_local_time_in_brussels() -> None:
    moment = parse_datetime("2026-03-12T14:30", zone=BRUSSELS)

    assert moment.tzinfo == BRUSSELS
    assert moment.isoformat() == "2026-03-12T14:30:00+01:00"


def test_default_zone_is_current() -> None:
    assert parse_datetime("2026-03-12T14:30").isoformat() == (
        "2026-03-12T14:30:00+01:00"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "11/01/2026 14:30",
            "“11/01/2026 14:30” is not a date or a date and time; write YYYY-MM-DD "
            "for the start of the day or YYYY-MM-DDTHH:MM, for example "
            "2026-03-12T14:30.",
        ),
        (
            "12-03-2026",
            "“12-03-2026” is not a date or a date and time; write YYYY-MM-DD for "
            "the start of the day or YYYY-MM-DDTHH:MM, for example 2026-03-12T14:30.",
        ),
        (
            "2026-02-30",
            "“2026-02-30” is not a date: February 2026 has 28 days; write "
            "YYYY-MM-DD, for example 2026-03-12.",
        ),
        (
            "2026-02-30T10:00",
            "“2026-02-30T10:00” is not a date and time: February 2026 has 28 days; "
            "write YYYY-MM-DDTHH:MM, for example 2026-03-12T14:30.",
        ),
        (
            "2026-13-01T10:00",
            "“2026-13-01T10:00” is not a date and time: there is no month 13; write "
            "YYYY-MM-DDTHH:MM, for example 2026-03-12T14:30.",
        ),
        (
            "2026-03-12T24:00",
            "“2026-03-12T24:00” is not a date and time: hours run from 00 to 23, "
            "minutes and seconds from 00 to 59; write YYYY-MM-DDTHH:MM, for example "
            "2026-03-12T14:30.",
        ),
        (
            "2026-03-12T10:60",
            "“2026-03-12T10:60” is not a date and time: hours run from 00 to 23, "
            "minutes and seconds from 00 to 59; write YYYY-MM-DDTHH:MM, for example "
            "2026-03-12T14:30.",
        ),
        (
            "2026-03-12T10:00+24:00",
            "“2026-03-12T10:00+24:00” is not a date and time: the UTC offset +24:00 "
            "is not between -23:59 and +23:59; write YYYY-MM-DDTHH:MM, for example "
            "2026-03-12T14:30.",
        ),
        (
            "2026-03-12T10",
            "“2026-03-12T10” is not a date or a date and time; write YYYY-MM-DD for "
            "the start of the day or YYYY-MM-DDTHH:MM, for example 2026-03-12T14:30.",
        ),
    ],
)
def test_invalid_datetime_explained(text: str, message: str) -> None:
    error = rejection(text)

    assert str(error) == message
    assert error.code == "invalid"


def test_date_alone_rejected_when_time_needed() -> None:
    error = rejection("2026-03-12", accept_date=False)

    assert str(error) == (
        "“2026-03-12” has no time of day; write it as YYYY-MM-DDTHH:MM, for "
        "example 2026-03-12T14:30."
    )


def test_day_first_rejected_when_time_needed() -> None:
    error = rejection("12/03/2026 14:30", accept_date=False)

    assert str(error) == (
        "“12/03/2026 14:30” is not a date and time; write it as YYYY-MM-DDTHH:MM, "
        "for example 2026-03-12T14:30."
    )


def test_skipped_time_rejected() -> None:
    error = rejection("2026-03-29T02:30")

    assert str(error) == SKIPPED_2026
    assert error.code == "nonexistent"


def test_doubled_time_rejected() -> None:
    error = rejection("2026-10-25T02:30")

    assert str(error) == DOUBLED_2026
    assert error.code == "ambiguous"


def test_doubled_time_with_offsets() -> None:
    summer = parse_datetime("2026-10-25T02:30+02:00", zone=BRUSSELS)
    winter = parse_datetime("2026-10-25T02:30+01:00", zone=BRUSSELS)

    assert summer == datetime.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert winter == datetime.datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


def test_skipped_time_with_offset() -> None:
    moment = parse_datetime("2026-03-29T02:30+01:00", zone=BRUSSELS)

    assert moment.astimezone(BRUSSELS).isoformat() == "2026-03-29T03:30:00+02:00"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("2026-03-29T01:59", None),
        ("2026-03-29T02:00", "nonexistent"),
        ("2026-03-29T02:59:59", "nonexistent"),
        ("2026-03-29T03:00", None),
        ("2026-03-28T02:30", None),
        ("2026-10-25T01:59", None),
        ("2026-10-25T02:00", "ambiguous"),
        ("2026-10-25T02:59:59", "ambiguous"),
        ("2026-10-25T03:00", None),
        ("2026-10-24T02:30", None),
        # 2027 changes on the last Sundays of March and October too, which
        # fall on the 28th and the 31st.
        ("2027-03-28T02:30", "nonexistent"),
        ("2027-03-29T02:30", None),
        ("2027-10-31T02:30", "ambiguous"),
        ("2027-10-25T02:30", None),
    ],
)
def test_summer_time_changes(text: str, code: str | None) -> None:
    if code is None:
        assert parse_datetime(text, zone=BRUSSELS).tzinfo == BRUSSELS
    else:
        assert rejection(text).code == code


def test_2027_changes_named() -> None:
    skipped = str(rejection("2027-03-28T02:15"))
    doubled = str(rejection("2027-10-31T02:15"))

    assert "on 2027-03-28 the clocks go forward from 02:00 to 03:00" in skipped
    assert "on 2027-10-31 the clocks go back from 03:00 to 02:00" in doubled
    assert "2027-10-31T02:15+02:00 is the first" in doubled
    assert "2027-10-31T02:15+01:00 the second" in doubled


def test_skipped_time_in_dutch() -> None:
    with translation.override("nl"):
        error = rejection("2026-03-29T02:30")

    assert str(error) == (
        "“2026-03-29T02:30” bestaat niet in Europe/Brussels: op 2026-03-29 gaat "
        "de klok vooruit van 02:00 naar 03:00, dus is er geen plaatselijke tijd "
        "van 02:00 tot 03:00. Geef een tijdstip vóór 02:00 of vanaf 03:00."
    )


def test_doubled_time_in_french() -> None:
    with translation.override("fr"):
        error = rejection("2026-10-25T02:30")

    assert str(error) == (
        "«\u00a02026-10-25T02:30\u00a0» existe deux fois dans le fuseau "
        "Europe/Brussels, car le 2026-10-25 les horloges reculent de 03:00 à "
        "02:00. Ajoutez le décalage UTC pour préciser lequel vous voulez "
        "dire\u00a0: 2026-10-25T02:30+02:00 est le premier et "
        "2026-10-25T02:30+01:00 le second. Ou indiquez une heure avant 02:00 ou "
        "à partir de 03:00."
    )


@pytest.mark.parametrize(
    ("day", "zone", "start"),
    [
        ("2026-03-29", "Europe/Brussels", "2026-03-29T00:00:00+01:00"),
        ("2026-10-25", "Europe/Brussels", "2026-10-25T00:00:00+02:00"),
        ("2027-03-28", "Europe/Brussels", "2027-03-28T00:00:00+01:00"),
        ("2027-10-31", "Europe/Brussels", "2027-10-31T00:00:00+02:00"),
        # Chile moved its clocks from 00:00 to 01:00 on 2019-09-08, so that day
        # had no midnight.
        ("2019-09-08", "America/Santiago", "2019-09-08T01:00:00-03:00"),
        # Cuba moved its clocks back from 01:00 to 00:00 on 2019-11-03, so
        # midnight occurred twice and the day started at the first.
        ("2019-11-03", "America/Havana", "2019-11-03T00:00:00-04:00"),
    ],
)
def test_day_start(day: str, zone: str, start: str) -> None:
    moment = day_start(datetime.date.fromisoformat(day), ZoneInfo(zone))

    assert moment.isoformat() == start


def test_day_start_without_midnight_is_first_moment() -> None:
    santiago = ZoneInfo("America/Santiago")
    start = day_start(datetime.date(2019, 9, 8), santiago)
    # Arithmetic on two times of one ZoneInfo ignores their offsets, so the
    # step back is taken in UTC.
    second_before = start.astimezone(UTC) - datetime.timedelta(seconds=1)

    assert second_before.astimezone(santiago).date() == datetime.date(2019, 9, 7)


def day_length(day: datetime.date) -> datetime.timedelta:
    following = day + datetime.timedelta(days=1)
    start = day_start(day, BRUSSELS).astimezone(UTC)
    return day_start(following, BRUSSELS).astimezone(UTC) - start


def test_brussels_days_of_changes() -> None:
    march = day_length(datetime.date(2026, 3, 29))
    october = day_length(datetime.date(2026, 10, 25))

    assert march == datetime.timedelta(hours=23)
    assert october == datetime.timedelta(hours=25)


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (datetime.datetime(2026, 3, 2, 9, 0, tzinfo=UTC), "2026-03-02T10:00"),
        (datetime.datetime(2026, 3, 2, 9, 0, 5, tzinfo=UTC), "2026-03-02T10:00:05"),
        (datetime.datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "2026-10-25T02:30+02:00"),
        (datetime.datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "2026-10-25T02:30+01:00"),
    ],
)
def test_format_local_reads_back(moment: datetime.datetime, text: str) -> None:
    assert format_local(moment, BRUSSELS) == text
    assert parse_datetime(text, zone=BRUSSELS) == moment


def test_arguments_raise_argparse_errors() -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="February 2026 has 28"):
        date_argument("2026-02-30")
    with pytest.raises(argparse.ArgumentTypeError, match="occurs twice"):
        datetime_argument("2026-10-25T02:30")

    assert date_argument("2026-02-28") == datetime.date(2026, 2, 28)
    assert datetime_argument("2026-02-28T08:00").isoformat() == (
        "2026-02-28T08:00:00+01:00"
    )


# Periods of whole days with a maximum length, as the access-log forms and
# commands check them.

WEEK_TOO_LONG = (
    "The period from %(since)s to %(until)s has %(days)d days, but the test "
    "covers at most %(maximum)d days."
)


def test_day_period_covers_both_days() -> None:
    since, until = day_period(
        datetime.date(2026, 3, 29),
        datetime.date(2026, 3, 30),
        max_days=2,
        too_long=WEEK_TOO_LONG,
    )

    assert since == datetime.datetime(2026, 3, 29, tzinfo=BRUSSELS)
    assert until == datetime.datetime(2026, 3, 31, tzinfo=BRUSSELS)
    # The clocks go forward on 2026-03-29, so that day has 23 hours.
    assert until.astimezone(UTC) - since.astimezone(UTC) == datetime.timedelta(hours=47)


def test_day_period_takes_maximum_days() -> None:
    first = datetime.date(2026, 3, 2)
    day_period(first, first + datetime.timedelta(days=6), max_days=7, too_long="")

    with pytest.raises(ValidationError) as raised:
        day_period(
            first,
            first + datetime.timedelta(days=7),
            max_days=7,
            too_long=WEEK_TOO_LONG,
        )

    assert raised.value.message_dict == {
        "until": [
            "The period from 2026-03-02 to 2026-03-09 has 8 days, but the test "
            "covers at most 7 days."
        ]
    }


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (
            "en",
            "The last day 2026-03-01 comes before the first day 2026-03-02. "
            "Enter a last day on or after the first day.",
        ),
        (
            "nl",
            "De laatste dag 2026-03-01 ligt vóór de eerste dag 2026-03-02. Vul "
            "een laatste dag in die op of na de eerste dag valt.",
        ),
        (
            "fr",
            "Le dernier jour 2026-03-01 précède le premier jour 2026-03-02. "
            "Saisissez un dernier jour égal ou postérieur au premier jour.",
        ),
    ],
)
def test_day_period_rejects_inverted_days(language: str, message: str) -> None:
    with translation.override(language), pytest.raises(ValidationError) as raised:
        day_period(
            datetime.date(2026, 3, 2),
            datetime.date(2026, 3, 1),
            max_days=7,
            too_long=WEEK_TOO_LONG,
        )

    assert raised.value.message_dict == {"until": [message]}
