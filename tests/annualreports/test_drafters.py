"""Every drafter's figures against the fixture centre's records of 2025."""

import pytest

from tests.annualreports.conftest import YEAR
from vigil.organisations.models import Organisation
from vigil.plans.annual import drafters
from vigil.plans.annual.models import Source
from vigil.reports.document import Table


def run(
    source: str, organisation: Organisation, year: int = YEAR
) -> tuple[str, list[Table]]:
    paragraphs, tables = drafters.draft(source, organisation, year, "en")
    return " ".join(paragraphs), tables


def test_situation_scores(records: Organisation) -> None:
    text, tables = run(Source.SITUATION, records)

    # 2025: 27 norms count (4.7.1 not applicable); 25 implemented, 4.4.2 half,
    # 4.4.4 zero: 25.5 / 27 = 94.4 %. 2024: everything partial, 50.0 %.
    assert "scores 94,4 % overall, against 50,0 % in 2024" in text
    assert "(+44,4 percentage points)" in text
    scores = tables[0]
    assert scores.header == ("Chapter", "2024", "2025")
    chapter_44 = next(row for row in scores.rows if row[0].startswith("4.4 "))
    assert chapter_44[1:] == ("50,0 %", "70,0 %")
    chapter_47 = next(row for row in scores.rows if row[0].startswith("4.7 "))
    assert chapter_47[1:] == ("50,0 %", "100,0 %")
    assert scores.footer == (("Overall", "50,0 %", "94,4 %"),)


def test_situation_goals_and_plan(records: Organisation) -> None:
    text, tables = run(Source.SITUATION, records)

    assert "2 norms of the questionnaire of 2025 are not fully implemented" in text
    goals = tables[1]
    assert [row[0] for row in goals.rows] == ["4.4.2", "4.4.4"]
    assert [row[2] for row in goals.rows] == [
        "Partially implemented",
        "Not implemented",
    ]
    assert "The security plan 2025–2027 plans 2 actions for 2025; done: 1." in text
    assert [row[0] for row in tables[2].rows] == ["Fire detection", "Restore test"]


def test_situation_without_records(centre_a: Organisation) -> None:
    text, tables = run(Source.SITUATION, centre_a)

    assert "No questionnaire was filled in for 2025 or 2024." in text
    assert "No security plan covers 2025." in text
    assert tables == []


def test_advices(records: Organisation) -> None:
    text, tables = run(Source.ADVICES, records)

    assert text == (
        "In 2025 the consultant gave 2 written advices; a follow-up is recorded "
        "for 1 of them."
    )
    assert tables[0].rows == (
        (
            "2025-02-10",
            "Password policy advice",
            "Director",
            "Followed: new policy since March.",
        ),
        ("2025-06-01", "Cloud storage advice", "ICT", "no follow-up recorded"),
    )


def test_activities(records: Organisation) -> None:
    text, tables = run(Source.ACTIVITIES, records)

    # Not cancelled, dated 2025: 2 advices, control, campaign, 2 trainings,
    # meeting, activity = 8 entries, 7 done; hours 2 + 1.5 + 4 + 7 + 3 + 1.5 + 3.
    assert text == (
        "The activities register holds 8 entries for 2025 (7 done), 22,0 hours in all."
    )
    kinds = {row[0]: row[1:] for row in tables[0].rows}
    assert kinds["written advice"] == ("2", "3,5")
    assert kinds["training"] == ("2", "10,0")
    assert tables[0].footer == (("Total", "8", "22,0"),)
    assert [row[2] for row in tables[1].rows] == ["Security meeting", "Policy review"]


def test_controls_and_audits(records: Organisation) -> None:
    text, tables = run(Source.CONTROLS, records)

    assert "1 control was carried out in 2025." in text
    assert (
        "1 audit took place in 2025, with 3 findings; still open or in progress: 2."
        in text
    )
    assert tables[0].rows == (
        ("2025-03-15", "Access control review", "Three accounts closed."),
    )
    assert tables[1].rows[0][0] == "AUD-2025-01"
    assert tables[1].rows[0][-2:] == ("3", "2")
    assert len(tables[1].rows) == 1


def test_awareness(records: Organisation) -> None:
    text, tables = run(Source.AWARENESS, records)

    assert text == "1 awareness campaign was held in 2025."
    assert tables[0].rows[0][1] == "Lock your screen posters"


def test_trainings(records: Organisation) -> None:
    text, tables = run(Source.TRAININGS, records)

    assert text == (
        "1 training was followed in 2025 (7,0 hours); "
        "2 trainings are planned for 2025 or 2026."
    )
    assert [(row[1], row[4]) for row in tables[0].rows] == [
        ("GDPR training", "followed"),
        ("Phishing training", "planned"),
        ("Backup training", "planned"),
    ]


def test_incidents(records: Organisation) -> None:
    text, tables = run(Source.INCIDENTS, records)

    assert text == (
        "3 incidents were recorded in 2025; not yet resolved: 1; with personal "
        "data: 2; notified to the GBA/APD: 1."
    )
    assert tables[0].rows == (("virus or malware", "2"), ("loss or theft", "1"))
    assert tables[0].footer == (("Total", "3"),)
    assert [row[0] for row in tables[1].rows] == [
        "2025-02-03",
        "2025-06-14",
        "2025-09-30",
    ]


def test_backups(records: Organisation) -> None:
    text, tables = run(Source.BACKUPS, records)

    assert (
        "6 backup runs were recorded in 2025: successful 4, with warnings 1, failed 1."
        in text
    )
    assert "2 restore tests were carried out in 2025; successful: 1." in text
    assert [row[3] for row in tables[0].rows] == ["success", "failed"]


def test_access_log(records: Organisation) -> None:
    text, tables = run(Source.ACCESS_LOG, records)

    assert (
        "The access log was verified 2 times in 2025; without divergence: 1; "
        "with a divergence: 1." in text
    )
    assert [row[:3] for row in tables[0].rows] == [
        ("2025-01-31", "120", "no divergence"),
        ("2025-07-31", "130", "divergence"),
    ]
    assert "The detection rules raised 3 findings in 2025; still to triage: 1." in text
    by_rule = {row[0]: row[1:] for row in tables[1].rows}
    # Columns: total, open, dismissed, confirmed, incident.
    assert by_rule["Consultation outside office hours"] == ("2", "1", "1", "0", "0")
    assert by_rule["Consultation of a watched data subject"] == (
        "1",
        "0",
        "0",
        "1",
        "0",
    )


def test_budget(records: Organisation) -> None:
    text, tables = run(Source.BUDGET, records)

    assert "The approved security budget of 2025 is 10.000,00 EUR." in text
    assert "3.700,50 EUR was spent in 2025 in 2 expenses." in text
    # Needed in 2025: one-off 3000 + 1000, yearly 500 of the action done.
    assert tables[0].rows == (
        ("Approved budget", "10.000,00"),
        ("Needed by the security plan 2025–2027", "4.500,00"),
        ("Spent", "3.700,50"),
        ("Remaining", "6.299,50"),
    )


@pytest.mark.parametrize(
    ("source", "sentence"),
    [
        (Source.ADVICES, "No written advice was recorded in 2025."),
        (Source.ACTIVITIES, "No activity was recorded in 2025."),
        (Source.CONTROLS, "No control was recorded in 2025."),
        (Source.CONTROLS, "No audit took place in 2025."),
        (Source.AWARENESS, "No awareness campaign was recorded in 2025."),
        (Source.TRAININGS, "No training was recorded for 2025."),
        (Source.INCIDENTS, "No incidents were recorded in 2025."),
        (Source.BACKUPS, "No backup run was recorded in 2025."),
        (Source.BACKUPS, "No restore test was recorded in 2025."),
        (Source.ACCESS_LOG, "The access log was not verified in 2025."),
        (Source.ACCESS_LOG, "The detection rules flagged no access in 2025."),
        (Source.BUDGET, "No security budget was recorded for 2025."),
    ],
)
def test_empty_centre_sentences(
    centre_a: Organisation, source: str, sentence: str
) -> None:
    text, tables = run(source, centre_a)

    assert sentence in text
    assert tables == []


def test_other_centre_sees_nothing(
    records: Organisation, centre_b: Organisation
) -> None:
    text, _tables = run(Source.INCIDENTS, centre_b)

    assert text == "No incidents were recorded in 2025."


def test_free_text_drafts_nothing(centre_a: Organisation) -> None:
    assert drafters.draft("", centre_a, YEAR, "nl") == ([], [])


def test_drafts_in_french(records: Organisation) -> None:
    paragraphs, tables = drafters.draft(Source.INCIDENTS, records, YEAR, "fr")

    assert paragraphs[0].startswith("3 incidents ont été enregistrés en 2025")
    assert "notifiés à l'APD\u00a0: 1" in paragraphs[0]
    assert tables[0].header == ("Catégorie", "Incidents")


def test_drafts_in_dutch(records: Organisation) -> None:
    paragraphs, _tables = drafters.draft(Source.BUDGET, records, YEAR, "nl")

    assert "bedraagt 10.000,00 EUR" in paragraphs[0]
