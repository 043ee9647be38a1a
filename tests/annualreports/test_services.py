"""Reports: drafting, edited text, final sections, took note, template changes."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from tests.annualreports.conftest import YEAR
from vigil.accounts.models import User
from vigil.audit.models import AuditEntry
from vigil.organisations.models import Organisation
from vigil.plans.annual import services, template
from vigil.plans.annual.default_template import template_of
from vigil.plans.annual.models import (
    AnnualReport,
    ReportSection,
    SectionDefinition,
    Source,
)
from vigil.registers.activities.models import Activity

NOTED = datetime.date(2026, 3, 12)


def section(report: AnnualReport, key: str) -> ReportSection:
    return report.sections.get(key=key)


def finalise(report: AnnualReport, actor: User) -> None:
    for item in report.sections.all():
        if not item.text_in("nl").strip():
            services.save_text(item, "Niets te melden.", actor=actor)
        services.mark_final(item, actor=actor)


@pytest.fixture
def report(records: Organisation, consultant_a: User) -> AnnualReport:
    return services.create_report(records, YEAR, actor=consultant_a)


def test_default_template(centre_a: Organisation) -> None:
    definitions = template_of(centre_a)

    items = [(d.item_number, d.source) for d in definitions if d.decree_item]
    assert items == [
        (1, Source.SITUATION),
        (2, Source.ADVICES),
        (3, Source.ACTIVITIES),
        (4, Source.CONTROLS),
        (5, ""),
        (6, ""),
        (7, Source.AWARENESS),
        (8, Source.TRAININGS),
    ]
    extra = [d.source for d in definitions if not d.decree_item]
    assert extra == [Source.INCIDENTS, Source.BACKUPS, Source.ACCESS_LOG, Source.BUDGET]
    assert [d.title_nl for d in definitions if d.item_number in (5, 6)] == ["5°", "6°"]


def test_default_template_created_once(centre_a: Organisation) -> None:
    template_of(centre_a)
    template_of(centre_a)

    assert SectionDefinition.objects.filter(organisation=centre_a).count() == 12
    created = AuditEntry.objects.filter(action="annualreport.template_created")
    assert created.count() == 1


def test_create_drafts_every_section(report: AnnualReport) -> None:
    assert report.sections.count() == 12
    incidents = section(report, "incidents")
    assert incidents.drafted_text_in("nl").startswith("In 2025 werden 3 incidenten")
    assert incidents.drafted_text_in("fr").startswith("3 incidents ont été")
    assert incidents.drafted_text_in("en").startswith("3 incidents were recorded")
    assert incidents.drafted_tables_in("nl")[0]["footer"][0][1] == "3"
    assert section(report, "item-5").drafted_text_in("nl") == ""
    assert AuditEntry.objects.filter(action="annualreport.created").count() == 1


def test_create_twice_rejected(report: AnnualReport, consultant_a: User) -> None:
    with pytest.raises(ValidationError, match="already has an annual report for 2025"):
        services.create_report(report.organisation, YEAR, actor=consultant_a)


@pytest.mark.parametrize("year", [1999, 2101])
def test_create_bad_year(centre_a: Organisation, consultant_a: User, year: int) -> None:
    with pytest.raises(ValidationError, match=f"Invalid year {year}"):
        services.create_report(centre_a, year, actor=consultant_a)

    assert not AnnualReport.objects.exists()


def test_regenerate_keeps_edited_text(report: AnnualReport, consultant_a: User) -> None:
    advices = section(report, "advices")
    services.save_text(advices, "My own summary.", actor=consultant_a)
    Activity.objects.create(
        organisation=report.organisation,
        kind=Activity.Kind.ADVICE,
        date=datetime.date(2025, 12, 1),
        subject="Late advice",
    )

    services.regenerate(report, actor=consultant_a)

    advices.refresh_from_db()
    assert advices.edited_text == "My own summary."
    assert advices.text_in("en") == "My own summary."
    assert "gave 3 written advices" in advices.drafted_text_in("en")


def test_regenerate_replaces_edited_text(
    report: AnnualReport, consultant_a: User
) -> None:
    advices = section(report, "advices")
    services.save_text(advices, "My own summary.", actor=consultant_a)

    services.regenerate(
        report, sections=[advices], replace_edited=True, actor=consultant_a
    )

    advices.refresh_from_db()
    assert advices.edited_text == ""
    assert advices.text_in("en").startswith(
        "In 2025 the consultant gave 2 written advices"
    )
    entry = AuditEntry.objects.filter(action="annualreport.drafted").latest("id")
    assert entry.new_values == {"sections": ["advices"], "replace_edited": True}


def test_regenerate_skips_final(report: AnnualReport, consultant_a: User) -> None:
    advices = section(report, "advices")
    services.mark_final(advices, actor=consultant_a)
    before = advices.drafted

    drafted = services.regenerate(report, actor=consultant_a)

    advices.refresh_from_db()
    assert advices.drafted == before
    assert "advices" not in [s.key for s in drafted]
    assert len(drafted) == 11


def test_final_section_cannot_change(report: AnnualReport, consultant_a: User) -> None:
    advices = section(report, "advices")
    services.mark_final(advices, actor=consultant_a)

    with pytest.raises(ValidationError, match="is final: reopen it"):
        services.save_text(advices, "Changed", actor=consultant_a)

    services.reopen_section(advices, actor=consultant_a)
    services.save_text(advices, "Changed", actor=consultant_a)
    advices.refresh_from_db()
    assert advices.edited_text == "Changed"
    assert not advices.is_final


def test_empty_free_text_cannot_be_final(
    report: AnnualReport, consultant_a: User
) -> None:
    with pytest.raises(ValidationError, match="has no text yet"):
        services.mark_final(section(report, "item-5"), actor=consultant_a)


def test_report_final_when_all_sections_final(
    report: AnnualReport, consultant_a: User
) -> None:
    assert not services.is_final(report)

    finalise(report, consultant_a)

    assert services.is_final(report)


def test_note_rejected_while_section_not_final(
    report: AnnualReport, consultant_a: User, management_a: User
) -> None:
    finalise(report, consultant_a)
    services.reopen_section(section(report, "budget"), actor=consultant_a)

    with pytest.raises(
        ValidationError, match=r"not final.*Information security budget"
    ):
        services.record_note(
            report, date=NOTED, body=AnnualReport.Body.COUNCIL, actor=management_a
        )

    report.refresh_from_db()
    assert report.noted_at is None


def test_note_on_final_report(
    report: AnnualReport, consultant_a: User, management_a: User
) -> None:
    finalise(report, consultant_a)

    services.record_note(
        report,
        date=NOTED,
        body=AnnualReport.Body.BUREAU,
        reference="VB 2026/12",
        actor=management_a,
    )

    report.refresh_from_db()
    assert report.noted_at == NOTED
    assert report.noted_by_body == "bureau"
    entry = AuditEntry.objects.get(action="annualreport.noted")
    assert entry.actor == management_a
    assert entry.new_values["date"] == "2026-03-12"


def test_noted_report_is_frozen(
    report: AnnualReport, consultant_a: User, management_a: User
) -> None:
    finalise(report, consultant_a)
    services.record_note(report, date=NOTED, body="council", actor=management_a)
    budget = section(report, "budget")

    with pytest.raises(ValidationError, match="took note"):
        services.reopen_section(budget, actor=consultant_a)
    with pytest.raises(ValidationError, match="took note"):
        services.regenerate(report, actor=consultant_a)
    with pytest.raises(ValidationError, match="took note"):
        services.record_note(report, date=NOTED, body="council", actor=management_a)


def test_note_rejects_future_date_and_unknown_body(
    report: AnnualReport, consultant_a: User, management_a: User
) -> None:
    finalise(report, consultant_a)

    with pytest.raises(ValidationError, match="in the future"):
        services.record_note(
            report, date=datetime.date(2100, 1, 1), body="council", actor=management_a
        )
    with pytest.raises(ValidationError, match="Unknown body 'mayor'"):
        services.record_note(report, date=NOTED, body="mayor", actor=management_a)


def test_template_add_reaches_open_reports(
    report: AnnualReport, consultant_a: User
) -> None:
    values = {
        "key": "risks",
        "title_nl": "Risico's",
        "title_fr": "Risques",
        "title_en": "Risks",
        "decree_item": False,
        "item_number": None,
        "source": "",
    }

    template.add_section(report.organisation, values, actor=consultant_a)

    assert section(report, "risks").position == 13
    assert AuditEntry.objects.filter(
        action="annualreport.template_section_added"
    ).exists()


def test_template_rename_move_remove(report: AnnualReport, consultant_a: User) -> None:
    organisation = report.organisation
    item_5 = SectionDefinition.objects.get(organisation=organisation, key="item-5")

    template.update_section(item_5, {"title_nl": "Toegangsbeheer"}, actor=consultant_a)
    template.move_section(item_5, -1, actor=consultant_a)
    budget = SectionDefinition.objects.get(organisation=organisation, key="budget")
    template.remove_section(budget, actor=consultant_a)

    keys = [s.key for s in report.sections.order_by("position")]
    assert keys[3:5] == ["item-5", "controls"]
    assert "budget" not in keys
    assert section(report, "item-5").title_nl == "Toegangsbeheer"
    changed = AuditEntry.objects.get(action="annualreport.template_section_changed")
    assert changed.old_values == {"title_nl": "5°"}
    assert changed.new_values == {"title_nl": "Toegangsbeheer"}


def test_template_change_leaves_noted_report(
    report: AnnualReport, consultant_a: User, management_a: User
) -> None:
    finalise(report, consultant_a)
    services.record_note(report, date=NOTED, body="council", actor=management_a)
    budget = SectionDefinition.objects.get(
        organisation=report.organisation, key="budget"
    )

    template.remove_section(budget, actor=consultant_a)

    assert section(report, "budget").title_en == "Information security budget"


def test_move_rejects_bad_step(centre_a: Organisation, consultant_a: User) -> None:
    first = template_of(centre_a)[0]

    with pytest.raises(ValidationError, match="Invalid direction 0"):
        template.move_section(first, 0, actor=consultant_a)
