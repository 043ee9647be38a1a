"""``vigil accesslog untraced``: user ids that no identity period covers."""

import datetime
import io
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from tests.accesslog.factories import event
from vigil.accesslog import untraced
from vigil.accesslog.identities import add_identity_period
from vigil.accesslog.ingestion import ingest_events
from vigil.organisations.models import Organisation

BRUSSELS = ZoneInfo("Europe/Brussels")
MARCH = ("--org", "centre-a", "--from", "2026-03-01", "--to", "2026-03-31")


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def local(day: int, hour: int) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, tzinfo=BRUSSELS)


def ingest(organisation: Organisation, *entries: tuple[str, datetime.datetime]) -> None:
    records = [
        (number, event(number, user_id=user_id, time=time.isoformat()))
        for number, (user_id, time) in enumerate(entries, start=1)
    ]
    ingest_events(organisation, records, source="test")


def run(*arguments: str) -> list[str]:
    output = io.StringIO()
    call_command("accesslog", "untraced", *arguments, stdout=output)
    return output.getvalue().splitlines()


def run_failing(*arguments: str) -> str:
    with pytest.raises(CommandError) as raised:
        call_command("accesslog", "untraced", *arguments, stdout=io.StringIO())
    return str(raised.value)


def test_rows_printed_most_entries_first(centre_a: Organisation) -> None:
    ingest(
        centre_a,
        ("U2", local(4, 9)),
        ("U1", local(2, 10)),
        ("U1", local(3, 10)),
        ("U3", local(5, 10)),
    )
    add_identity_period(centre_a, "U3", "An Peeters", local(1, 0), None, actor=None)
    assert run(*MARCH) == [
        "user id\tuntraced entries\tfirst time\tlast time",
        "U1\t2\t2026-03-02T10:00:00+01:00\t2026-03-03T10:00:00+01:00",
        "U2\t1\t2026-03-04T09:00:00+01:00\t2026-03-04T09:00:00+01:00",
    ]


def test_everything_traced(centre_a: Organisation) -> None:
    assert run(*MARCH) == [
        "every entry from 2026-03-01 to 2026-03-31 (days included) is traced "
        "to a person"
    ]


def test_rows_beyond_limit_counted(
    centre_a: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(untraced, "MAX_ROWS", 1)
    ingest(
        centre_a,
        ("U1", local(2, 10)),
        ("U1", local(2, 11)),
        ("U2", local(2, 12)),
        ("U3", local(2, 13)),
    )
    lines = run(*MARCH)
    assert lines[1].startswith("U1\t2\t")
    assert lines[2:] == ["2 more user ids with 2 untraced entries are not shown"]


def test_default_period_is_last_thirty_days(centre_a: Organisation) -> None:
    now = timezone.now().replace(microsecond=0)
    ingest(
        centre_a,
        ("recent", now - datetime.timedelta(days=2)),
        ("old", now - datetime.timedelta(days=40)),
    )
    lines = run("--org", "centre-a")
    assert [line.split("\t")[0] for line in lines[1:]] == ["recent"]


def test_default_from_thirty_days_before_to(centre_a: Organisation) -> None:
    ingest(centre_a, ("U1", local(1, 23)), ("U2", local(2, 0)))
    lines = run("--org", "centre-a", "--to", "2026-03-31")
    assert [line.split("\t")[0] for line in lines[1:]] == ["U2"]
    lines = run("--org", "centre-a", "--to", "2026-03-30")
    assert [line.split("\t")[0] for line in lines[1:]] == ["U1", "U2"]


def test_to_before_from_rejected(centre_a: Organisation) -> None:
    message = run_failing(
        "--org", "centre-a", "--from", "2026-03-02", "--to", "2026-03-01"
    )
    assert message == (
        "--to 2026-03-01: The last day 2026-03-01 comes before the first day "
        "2026-03-02. Enter a last day on or after the first day."
    )


def test_from_after_today_reported_on_from(centre_a: Organisation) -> None:
    today = timezone.localdate()
    later = today + datetime.timedelta(days=3)
    message = run_failing("--org", "centre-a", "--from", later.isoformat())
    assert message.startswith(f"--from {later.isoformat()}: The last day ")


def test_long_period_rejected(centre_a: Organisation) -> None:
    message = run_failing(
        "--org", "centre-a", "--from", "2025-01-01", "--to", "2026-03-31"
    )
    assert message == (
        "--to 2026-03-31: The period from 2025-01-01 to 2026-03-31 has 455 "
        "days, but the list covers at most 366 days at a time. Enter a "
        "shorter period."
    )


def test_invalid_date_rejected(centre_a: Organisation) -> None:
    message = run_failing("--org", "centre-a", "--from", "2026-13-01")
    assert message.startswith("Error: argument --from: “2026-13-01” is not a date")


def test_unknown_organisation_rejected(db: object) -> None:
    message = run_failing("--org", "nowhere")
    assert message == (
        "no organisation 'nowhere'. 'vigil org list' shows the short names"
    )


def test_other_centre_not_listed(
    centre_a: Organisation, centre_b: Organisation
) -> None:
    ingest(centre_a, ("U1", local(2, 10)))
    ingest(centre_b, ("B1", local(2, 10)))
    assert [line.split("\t")[0] for line in run(*MARCH)[1:]] == ["U1"]


def test_output_in_dutch(centre_a: Organisation) -> None:
    ingest(centre_a, ("U1", local(2, 10)))
    with translation.override("nl"):
        lines = run(*MARCH)
        message = run_failing(
            "--org", "centre-a", "--from", "2026-03-02", "--to", "2026-03-01"
        )
    header = "gebruikers-id\tniet-herleide logregels\teerste tijdstip\tlaatste tijdstip"
    assert lines[0] == header
    assert message.startswith("--to 2026-03-01: De laatste dag 2026-03-01 ligt")


def test_output_in_french(
    centre_a: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(untraced, "MAX_ROWS", 1)
    ingest(centre_a, ("U1", local(2, 10)), ("U1", local(2, 11)), ("U2", local(2, 12)))
    with translation.override("fr"):
        lines = run(*MARCH)
    assert lines[0] == (
        "identifiant utilisateur\tentrées non rattachées\tpremière fois\tdernière fois"
    )
    assert lines[2] == (
        "1 autre identifiant utilisateur avec 1 entrées non rattachées n'est "
        "pas affiché"
    )
