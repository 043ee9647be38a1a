"""Review campaigns: start, decisions, closing and the frozen result."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tests.authorisations.factories import authorisation
from vigil.accounts.models import User
from vigil.audit.models import AuditEntry
from vigil.organisations.models import Organisation
from vigil.registers import services
from vigil.registers.authorisations import reviews
from vigil.registers.authorisations.models import (
    Authorisation,
    ReviewCampaign,
    ReviewLine,
)
from vigil.registers.authorisations.specs import AUTHORISATIONS

Decision = ReviewLine.Decision
START = datetime.date(2026, 3, 2)
DAY = datetime.timedelta(days=1)


def start(organisation: Organisation, actor: User, **kwargs: object) -> ReviewCampaign:
    values: dict[str, object] = {
        "name": "Herziening 2026",
        "started_on": START,
        "due_by": START + 30 * DAY,
        "actor": actor,
    }
    values.update(kwargs)
    return reviews.start_review(organisation, **values)  # type: ignore[arg-type]


def line_of(campaign: ReviewCampaign, record: Authorisation) -> ReviewLine:
    return campaign.lines.get(authorisation=record)


@pytest.fixture
def table(centre_a: Organisation) -> dict[str, Authorisation]:
    """Five authorisations around the start date of 2 March 2026."""
    return {
        "running": authorisation(
            centre_a, "An Peeters", valid_from=datetime.date(2024, 1, 1)
        ),
        "ends_on_start": authorisation(
            centre_a,
            "Bart Claes",
            valid_from=datetime.date(2024, 1, 1),
            valid_until=START,
        ),
        "ended": authorisation(
            centre_a,
            "Koen Jacobs",
            valid_from=datetime.date(2024, 1, 1),
            valid_until=START - DAY,
        ),
        "future": authorisation(centre_a, "Sofie Maes", valid_from=START + DAY),
        "finance": authorisation(
            centre_a,
            "Marc Hermans",
            valid_from=datetime.date(2020, 5, 1),
            application="Financieel pakket",
            data_category="financial",
            access_level="read",
        ),
    }


def test_start_takes_authorisations_valid_on_start(
    table: dict[str, Authorisation], centre_a: Organisation, consultant_a: User
) -> None:
    campaign = start(centre_a, consultant_a)

    taken = set(campaign.lines.values_list("authorisation__person_name", flat=True))
    assert taken == {"An Peeters", "Bart Claes", "Marc Hermans"}
    assert campaign.status == ReviewCampaign.Status.OPEN
    assert campaign.started_by == consultant_a


def test_start_snapshots_values(
    table: dict[str, Authorisation], centre_a: Organisation, consultant_a: User
) -> None:
    campaign = start(centre_a, consultant_a)
    services.update_record(
        AUTHORISATIONS,
        table["running"],
        {"function": "diensthoofd"},
        actor=None,
    )

    snapshot = line_of(campaign, table["running"]).snapshot
    assert snapshot["function"] == "maatschappelijk werker"
    assert snapshot["access_level"] == "write"
    assert snapshot["valid_from"] == "2024-01-01"
    assert snapshot["id"] == table["running"].pk


def test_start_scoped_to_application(
    table: dict[str, Authorisation], centre_a: Organisation, consultant_a: User
) -> None:
    campaign = start(centre_a, consultant_a, application="financieel PAKKET")

    assert list(campaign.lines.values_list("authorisation", flat=True)) == [
        table["finance"].pk
    ]


def test_start_ignores_other_centre(
    table: dict[str, Authorisation],
    centre_a: Organisation,
    centre_b: Organisation,
    consultant_a: User,
) -> None:
    authorisation(centre_b, "Eva Dubois", valid_from=datetime.date(2024, 1, 1))

    campaign = start(centre_a, consultant_a)

    assert campaign.lines.count() == 3
    assert not campaign.lines.filter(authorisation__organisation=centre_b).exists()


def test_start_rejects_empty_scope(
    table: dict[str, Authorisation], centre_a: Organisation, consultant_a: User
) -> None:
    with pytest.raises(ValidationError) as caught:
        start(centre_a, consultant_a, application="Onbekend")

    assert "application" in caught.value.message_dict
    assert "2026-03-02" in caught.value.message_dict["application"][0]
    assert not ReviewCampaign.objects.exists()


def test_start_rejects_due_before_start(
    table: dict[str, Authorisation], centre_a: Organisation, consultant_a: User
) -> None:
    with pytest.raises(ValidationError) as caught:
        start(centre_a, consultant_a, due_by=START - DAY)

    message = caught.value.message_dict["due_by"][0]
    assert "2026-03-01" in message
    assert "2026-03-02" in message


def test_start_writes_audit_entry(
    table: dict[str, Authorisation], centre_a: Organisation, consultant_a: User
) -> None:
    campaign = start(centre_a, consultant_a)

    entry = AuditEntry.objects.get(action="authorisation.review_started")
    assert entry.object_id == str(campaign.pk)
    assert entry.new_values["lines"] == 3


def test_confirm_records_who_and_when(
    table: dict[str, Authorisation], centre_a: Organisation, consultant_a: User
) -> None:
    campaign = start(centre_a, consultant_a)
    line = line_of(campaign, table["running"])

    reviews.decide(
        line,
        Decision.CONFIRMED,
        actor=consultant_a,
        decided_on=START + 2 * DAY,
        note="Nog nodig voor het sociaal onderzoek.",
    )

    line.refresh_from_db()
    assert line.decision == Decision.CONFIRMED
    assert line.decided_on == datetime.date(2026, 3, 4)
    assert line.decided_by == consultant_a
    assert line.decided_by_label == str(consultant_a)
    assert line.note == "Nog nodig voor het sociaal onderzoek."
    entry = AuditEntry.objects.get(action="authorisation.review_decided")
    assert entry.new_values["decision"] == "confirmed"


def test_revoke_sets_end_and_history(
    table: dict[str, Authorisation], centre_a: Organisation, consultant_a: User
) -> None:
    campaign = start(centre_a, consultant_a)
    record = table["running"]

    reviews.decide(
        line_of(campaign, record),
        Decision.REVOKED,
        actor=consultant_a,
        decided_on=START + 5 * DAY,
    )

    record.refresh_from_db()
    assert record.valid_until == datetime.date(2026, 3, 7)
    change = services.history(record).filter(action="register.record_changed").get()
    assert change.old_values == {"valid_until": None}
    assert change.new_values == {"valid_until": "2026-03-07"}
    line = line_of(campaign, record)
    assert line.changes == {"valid_until": {"old": None, "new": "2026-03-07"}}


def test_change_applies_through_services(
    table: dict[str, Authorisation], centre_a: Organisation, consultant_a: User
) -> None:
    campaign = start(centre_a, consultant_a)
    record = table["running"]

    reviews.decide(
        line_of(campaign, record),
        Decision.CHANGED,
        actor=consultant_a,
        decided_on=START,
        changes={"access_level": "read", "valid_until": "2026-12-31"},
    )

    record.refresh_from_db()
    assert record.access_level == "read"
    assert record.valid_until == datetime.date(2026, 12, 31)
    change = services.history(record).filter(action="register.record_changed").get()
    assert change.new_values == {"access_level": "read", "valid_until": "2026-12-31"}
    assert change.actor == consultant_a
    line = line_of(campaign, record)
    assert line.changes["access_level"] == {"old": "write", "new": "read"}
    assert line.snapshot["access_level"] == "write"


def test_change_without_new_value_rejected(
    table: dict[str, Authorisation], centre_a: Organisation, consultant_a: User
) -> None:
    campaign = start(centre_a, consultant_a)
    line = line_of(campaign, table["running"])

    with pytest.raises(ValidationError) as caught:
        reviews.decide(
            line,
            Decision.CHANGED,
            actor=consultant_a,
            changes={"access_level": "write"},
        )

    assert "at least one new value" in caught.value.message_dict["decision"][0]
    line.refresh_from_db()
    assert line.is_open


def test_change_of_person_rejected(
    table: dict[str, Authorisation], centre_a: Organisation, consultant_a: User
) -> None:
    campaign = start(centre_a, consultant_a)
    line = line_of(campaign, table["running"])

    with pytest.raises(ValidationError) as caught:
        reviews.decide(
            line, Decision.CHANGED, actor=consultant_a, changes={"person_name": "X"}
        )

    assert "person_name" in caught.value.message_dict["decision"][0]


def test_invalid_change_saves_nothing(
    table: dict[str, Authorisation], centre_a: Organisation, consultant_a: User
) -> None:
    campaign = start(centre_a, consultant_a)
    record = table["running"]
    line = line_of(campaign, record)

    with pytest.raises(ValidationError) as caught:
        reviews.decide(
            line,
            Decision.CHANGED,
            actor=consultant_a,
            decided_on=START,
            changes={"valid_until": "2023-12-31"},
        )

    message = caught.value.message_dict["valid_until"][0]
    assert "2023-12-31" in message
    assert "2024-01-01" in message
    line.refresh_from_db()
    record.refresh_from_db()
    assert line.is_open
    assert record.valid_until is None
    assert not AuditEntry.objects.filter(action="authorisation.review_decided")


def test_revoke_before_valid_from_rejected(
    centre_a: Organisation, consultant_a: User
) -> None:
    record = authorisation(centre_a, valid_from=START)
    campaign = start(centre_a, consultant_a)
    record.valid_from = START + 10 * DAY
    record.save()

    with pytest.raises(ValidationError) as caught:
        reviews.decide(
            line_of(campaign, record),
            Decision.REVOKED,
            actor=consultant_a,
            decided_on=START + DAY,
        )

    assert "valid_until" in caught.value.message_dict
    record.refresh_from_db()
    assert record.valid_until is None


def test_decision_recorded_once(
    table: dict[str, Authorisation], centre_a: Organisation, consultant_a: User
) -> None:
    campaign = start(centre_a, consultant_a)
    line = line_of(campaign, table["running"])
    reviews.decide(line, Decision.CONFIRMED, actor=consultant_a, decided_on=START)

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        reviews.decide(line, Decision.REVOKED, actor=consultant_a, decided_on=START)

    assert "already confirmed on 2026-03-02" in caught.value.messages[0]
    table["running"].refresh_from_db()
    assert table["running"].valid_until is None


def test_unknown_decision_rejected(
    table: dict[str, Authorisation], centre_a: Organisation, consultant_a: User
) -> None:
    campaign = start(centre_a, consultant_a)

    with pytest.raises(ValidationError) as caught:
        reviews.decide(line_of(campaign, table["running"]), "kept", actor=None)

    assert "'kept'" in caught.value.message_dict["decision"][0]


def test_decision_before_start_rejected(
    table: dict[str, Authorisation], centre_a: Organisation, consultant_a: User
) -> None:
    campaign = start(centre_a, consultant_a)

    with pytest.raises(ValidationError) as caught:
        reviews.decide(
            line_of(campaign, table["running"]),
            Decision.CONFIRMED,
            actor=None,
            decided_on=START - DAY,
        )

    assert "2026-03-01" in caught.value.message_dict["decided_on"][0]


def test_deleted_authorisation_only_confirmed(
    table: dict[str, Authorisation], centre_a: Organisation, consultant_a: User
) -> None:
    campaign = start(centre_a, consultant_a)
    line = line_of(campaign, table["running"])
    services.delete_record(AUTHORISATIONS, table["running"], actor=None)
    line.refresh_from_db()

    with pytest.raises(ValidationError):
        reviews.decide(line, Decision.REVOKED, actor=None, decided_on=START)
    reviews.decide(line, Decision.CONFIRMED, actor=None, decided_on=START)

    line.refresh_from_db()
    assert line.decision == Decision.CONFIRMED
    assert line.snapshot["person_name"] == "An Peeters"


def decide_all(campaign: ReviewCampaign, actor: User) -> None:
    for line in campaign.lines.all():
        reviews.decide(line, Decision.CONFIRMED, actor=actor, decided_on=START)


def test_close_rejected_while_lines_open(
    table: dict[str, Authorisation], centre_a: Organisation, consultant_a: User
) -> None:
    campaign = start(centre_a, consultant_a)
    first = campaign.lines.order_by("id").first()
    assert first is not None
    reviews.decide(first, Decision.CONFIRMED, actor=consultant_a, decided_on=START)

    with pytest.raises(ValidationError) as caught:
        reviews.close_review(campaign, actor=consultant_a)

    assert caught.value.messages == [
        "2 lines of review Herziening 2026 are still open; decide them before "
        "closing the review."
    ]
    campaign.refresh_from_db()
    assert campaign.status == ReviewCampaign.Status.OPEN


def test_close_counts_decisions(
    table: dict[str, Authorisation], centre_a: Organisation, consultant_a: User
) -> None:
    campaign = start(centre_a, consultant_a)
    reviews.decide(
        line_of(campaign, table["running"]),
        Decision.REVOKED,
        actor=consultant_a,
        decided_on=START,
    )
    reviews.decide(
        line_of(campaign, table["finance"]),
        Decision.CHANGED,
        actor=consultant_a,
        decided_on=START,
        changes={"access_level": "write"},
    )
    decide_all_open(campaign, consultant_a)

    reviews.close_review(campaign, actor=consultant_a, closed_on=START + DAY)

    campaign.refresh_from_db()
    assert campaign.status == ReviewCampaign.Status.CLOSED
    assert campaign.closed_on == datetime.date(2026, 3, 3)
    assert campaign.closed_by == consultant_a
    outcome = reviews.result(campaign)
    assert (outcome.total, outcome.open) == (3, 0)
    assert (outcome.confirmed, outcome.changed, outcome.revoked) == (1, 1, 1)
    entry = AuditEntry.objects.get(action="authorisation.review_closed")
    assert entry.new_values["revoked"] == 1


def decide_all_open(campaign: ReviewCampaign, actor: User) -> None:
    for line in campaign.lines.filter(decision=""):
        reviews.decide(line, Decision.CONFIRMED, actor=actor, decided_on=START)


def test_close_date_before_decision_rejected(
    table: dict[str, Authorisation], centre_a: Organisation, consultant_a: User
) -> None:
    campaign = start(centre_a, consultant_a)
    decide_all(campaign, consultant_a)

    with pytest.raises(ValidationError) as caught:
        reviews.close_review(campaign, actor=consultant_a, closed_on=START - DAY)

    assert "enter 2026-03-02 or later" in caught.value.messages[0]


def test_closed_campaign_frozen(
    table: dict[str, Authorisation], centre_a: Organisation, consultant_a: User
) -> None:
    campaign = start(centre_a, consultant_a)
    authorisation(centre_a, "Nieuw", valid_from=datetime.date(2024, 1, 1))
    open_lines = list(campaign.lines.all())
    decide_all(campaign, consultant_a)
    reviews.close_review(campaign, actor=consultant_a, closed_on=START)

    with pytest.raises(ValidationError) as caught:
        reviews.decide(open_lines[0], Decision.REVOKED, actor=consultant_a)
    assert "closed on 2026-03-02" in caught.value.messages[0]
    with pytest.raises(ValidationError):
        reviews.close_review(campaign, actor=consultant_a)

    table["running"].refresh_from_db()
    assert table["running"].valid_until is None
    assert campaign.lines.count() == 3
    assert AuditEntry.objects.filter(action="authorisation.review_closed").count() == 1
