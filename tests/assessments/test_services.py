"""Service functions of the questionnaire: each state change, its rules and audit."""

import datetime
import hashlib
import json
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from tests.conftest import answer_everything, option
from vigil.accounts.models import User
from vigil.assessments.canonical import assessment_content
from vigil.assessments.models import (
    Answer,
    AnswerChange,
    Assessment,
    Evidence,
    Submission,
)
from vigil.assessments.services import (
    AnswerInput,
    AssessmentLocked,
    SubmissionIncomplete,
    add_evidence,
    create_assessment,
    find_gaps,
    remove_evidence,
    reopen_assessment,
    save_answer,
    submit_assessment,
)
from vigil.audit.models import AuditEntry
from vigil.catalog.models import AnswerOption, CatalogVersion
from vigil.organisations.models import Organisation

pytestmark = pytest.mark.usefixtures("fast_password_hasher")

PLANNED = datetime.date(2026, 6, 30)


@pytest.fixture
def assessment(
    catalog: CatalogVersion, centre_a: Organisation, consultant_a: User
) -> Assessment:
    return create_assessment(centre_a, 2025, actor=consultant_a)


def answer_to(assessment: Assessment, code: str) -> Answer:
    return assessment.answers.select_related("norm").get(norm__code=code)


def canonical_digest(assessment: Assessment) -> str:
    text = json.dumps(
        assessment_content(assessment),
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def submitted(assessment: Assessment, actor: User) -> Submission:
    answer_everything(assessment)
    return submit_assessment(assessment, actor=actor)


# Creating an assessment


def test_create_makes_one_answer_per_norm(
    assessment: Assessment, catalog: CatalogVersion
) -> None:
    answered = list(assessment.answers.values_list("norm__code", flat=True))
    norms = list(catalog.norms.values_list("code", flat=True))

    assert len(answered) == len(norms)
    assert sorted(answered) == sorted(norms)


def test_create_starts_every_answer_empty(assessment: Assessment) -> None:
    assert not assessment.answers.filter(option__isnull=False).exists()


def test_create_records_audit_entry(assessment: Assessment) -> None:
    entry = AuditEntry.objects.get(action="assessment.created")

    assert entry.object_id == str(assessment.pk)
    assert entry.organisation_id == assessment.organisation_id
    assert entry.new_values["year"] == 2025


def test_create_rejects_second_for_same_year(
    assessment: Assessment, centre_a: Organisation, consultant_a: User
) -> None:
    with pytest.raises(ValidationError) as raised:
        create_assessment(centre_a, 2025, actor=consultant_a)

    assert "year" in raised.value.message_dict
    assert Assessment.objects.filter(organisation=centre_a).count() == 1


def test_create_allows_year_in_other_centre(
    assessment: Assessment, centre_b: Organisation, consultant_b: User
) -> None:
    other = create_assessment(centre_b, 2025, actor=consultant_b)

    assert other.year == assessment.year


def test_create_copies_last_year_answers(
    assessment: Assessment, catalog: CatalogVersion, consultant_a: User
) -> None:
    save_answer(
        answer_to(assessment, "4.3.2"),
        AnswerInput(
            option=option(catalog, "partial"),
            comment="Branddetectie ontbreekt.",
            planned_date=PLANNED,
            owner="Technische dienst",
        ),
        actor=consultant_a,
    )
    save_answer(
        answer_to(assessment, "4.6.3"),
        AnswerInput(
            option=option(catalog, "not_applicable"),
            justification="Geen secundair netwerk.",
        ),
        actor=consultant_a,
    )

    next_year = create_assessment(
        assessment.organisation, 2026, actor=consultant_a, copy_from=assessment
    )
    partial = answer_to(next_year, "4.3.2")
    not_applicable = answer_to(next_year, "4.6.3")

    assert next_year.started_from_id == assessment.pk
    assert next_year.catalog_id == assessment.catalog_id
    assert partial.option == option(catalog, "partial")
    assert partial.comment == "Branddetectie ontbreekt."
    assert partial.planned_date == PLANNED
    assert partial.owner == "Technische dienst"
    assert not_applicable.option == option(catalog, "not_applicable")
    assert not_applicable.justification == "Geen secundair netwerk."
    assert answer_to(next_year, "4.1").option is None


def test_create_rejects_copy_from_other_centre(
    catalog: CatalogVersion,
    centre_a: Organisation,
    centre_b: Organisation,
    consultant_a: User,
    consultant_b: User,
) -> None:
    foreign = create_assessment(centre_b, 2025, actor=consultant_b)

    with pytest.raises(ValidationError) as raised:
        create_assessment(centre_a, 2026, actor=consultant_a, copy_from=foreign)

    assert "copy_from" in raised.value.message_dict


# Saving an answer


def test_save_rejects_not_applicable_without_justification(
    assessment: Assessment, catalog: CatalogVersion, consultant_a: User
) -> None:
    data = AnswerInput(option=option(catalog, "not_applicable"), justification="  ")

    with pytest.raises(ValidationError) as raised:
        save_answer(answer_to(assessment, "4.1"), data, actor=consultant_a)

    assert list(raised.value.message_dict) == ["justification"]
    assert answer_to(assessment, "4.1").option is None


@pytest.mark.parametrize("code", ["partial", "not_implemented"])
def test_save_rejects_missing_planned_date(
    assessment: Assessment, catalog: CatalogVersion, consultant_a: User, code: str
) -> None:
    data = AnswerInput(option=option(catalog, code))

    with pytest.raises(ValidationError) as raised:
        save_answer(answer_to(assessment, "4.1"), data, actor=consultant_a)

    assert list(raised.value.message_dict) == ["planned_date"]
    assert answer_to(assessment, "4.1").option is None


def test_save_rejects_option_of_other_catalog(
    assessment: Assessment, consultant_a: User
) -> None:
    other = CatalogVersion.objects.create(
        code="other-2030",
        title={"en": "Other"},
        issued=datetime.date(2030, 1, 1),
        digest="0" * 64,
    )
    foreign = AnswerOption.objects.create(
        catalog=other,
        code="implemented",
        label={"en": "Implemented"},
        weight=1,
        position=0,
    )

    with pytest.raises(ValidationError) as raised:
        save_answer(
            answer_to(assessment, "4.1"),
            AnswerInput(option=foreign),
            actor=consultant_a,
        )

    assert list(raised.value.message_dict) == ["option"]
    assert answer_to(assessment, "4.1").option is None


def test_save_stores_answer(
    assessment: Assessment, catalog: CatalogVersion, consultant_a: User
) -> None:
    data = AnswerInput(
        option=option(catalog, "partial"),
        comment="Half klaar.",
        planned_date=PLANNED,
        owner="ICT",
    )

    changed = save_answer(answer_to(assessment, "4.4.3"), data, actor=consultant_a)
    answer = answer_to(assessment, "4.4.3")

    assert changed is True
    assert answer.option == option(catalog, "partial")
    assert answer.comment == "Half klaar."
    assert answer.planned_date == PLANNED
    assert answer.owner == "ICT"
    assert answer.updated_by == consultant_a


def test_save_records_answer_change(
    assessment: Assessment, catalog: CatalogVersion, consultant_a: User
) -> None:
    answer = answer_to(assessment, "4.4.3")
    save_answer(
        answer, AnswerInput(option=option(catalog, "implemented")), actor=consultant_a
    )

    save_answer(
        answer,
        AnswerInput(option=option(catalog, "partial"), planned_date=PLANNED),
        actor=consultant_a,
    )
    change = AnswerChange.objects.filter(answer=answer).order_by("id").last()

    assert change is not None
    assert change.changed_by == consultant_a
    assert change.old_values == {"option": "implemented", "planned_date": None}
    assert change.new_values == {"option": "partial", "planned_date": "2026-06-30"}


def test_save_records_audit_entry(
    assessment: Assessment, catalog: CatalogVersion, consultant_a: User
) -> None:
    answer = answer_to(assessment, "4.4.3")

    save_answer(
        answer,
        AnswerInput(option=option(catalog, "implemented"), owner="ICT"),
        actor=consultant_a,
    )
    entry = AuditEntry.objects.get(action="assessment.answer_changed")

    assert entry.actor == consultant_a
    assert entry.organisation_id == assessment.organisation_id
    assert entry.object_id == str(answer.pk)
    assert entry.old_values == {"option": None, "owner": ""}
    assert entry.new_values == {"option": "implemented", "owner": "ICT"}


def test_save_same_values_records_nothing(
    assessment: Assessment, catalog: CatalogVersion, consultant_a: User
) -> None:
    answer = answer_to(assessment, "4.4.3")
    data = AnswerInput(
        option=option(catalog, "partial"), planned_date=PLANNED, owner="ICT"
    )
    save_answer(answer, data, actor=consultant_a)
    changes = AnswerChange.objects.count()
    entries = AuditEntry.objects.count()

    changed = save_answer(answer, data, actor=consultant_a)

    assert changed is False
    assert AnswerChange.objects.count() == changes
    assert AuditEntry.objects.count() == entries


# Gaps and submission


def test_gaps_list_every_missing_item(
    assessment: Assessment, catalog: CatalogVersion
) -> None:
    answer_everything(assessment)
    assessment.answers.filter(norm__code="4.1").update(option=None)
    assessment.answers.filter(norm__code="4.3.2").update(
        option=option(catalog, "not_applicable"), justification=""
    )
    assessment.answers.filter(norm__code="4.4.4").update(
        option=option(catalog, "partial"), planned_date=None
    )

    gaps = [(gap.norm, gap.field) for gap in find_gaps(assessment)]

    assert gaps == [
        ("4.1", "option"),
        ("4.3.2", "justification"),
        ("4.4.4", "planned_date"),
    ]


def test_gaps_of_new_assessment_name_all(
    assessment: Assessment, catalog: CatalogVersion
) -> None:
    gaps = find_gaps(assessment)

    assert [gap.norm for gap in gaps] == list(
        catalog.norms.order_by("position").values_list("code", flat=True)
    )
    assert {gap.field for gap in gaps} == {"option"}


def test_submit_incomplete_saves_nothing(
    assessment: Assessment, catalog: CatalogVersion, consultant_a: User
) -> None:
    answer_everything(assessment)
    assessment.answers.filter(norm__code="4.7.1").update(option=None)
    assessment.answers.filter(norm__code="4.6.3").update(
        option=option(catalog, "not_applicable"), justification=""
    )
    assessment.answers.filter(norm__code="4.10").update(
        option=option(catalog, "not_implemented"), planned_date=None
    )
    entries = AuditEntry.objects.count()

    with pytest.raises(SubmissionIncomplete) as raised:
        submit_assessment(assessment, actor=consultant_a)
    gaps = {(gap.norm, gap.field) for gap in raised.value.gaps}
    assessment.refresh_from_db()

    assert gaps == {
        ("4.7.1", "option"),
        ("4.6.3", "justification"),
        ("4.10", "planned_date"),
    }
    assert assessment.is_draft
    assert not Submission.objects.exists()
    assert AuditEntry.objects.count() == entries


def test_submit_freezes_and_records_digest(
    assessment: Assessment, consultant_a: User
) -> None:
    answer_everything(assessment)
    expected = canonical_digest(assessment)

    submission = submit_assessment(assessment, actor=consultant_a)
    assessment.refresh_from_db()
    entry = AuditEntry.objects.get(action="assessment.submitted")

    assert assessment.status == Assessment.Status.SUBMITTED
    assert submission.number == 1
    assert submission.submitted_by == consultant_a
    assert submission.digest == expected
    assert submission.content == assessment_content(assessment)
    assert entry.new_values["digest"] == expected
    assert entry.new_values["submission"] == 1


def test_digest_covers_evidence(assessment: Assessment, consultant_a: User) -> None:
    answer_everything(assessment)
    before = canonical_digest(assessment)
    add_evidence(
        answer_to(assessment, "4.1"),
        ContentFile(b"beleid", name="beleid.pdf"),
        actor=consultant_a,
    )

    submission = submit_assessment(assessment, actor=consultant_a)

    assert submission.digest != before
    assert submission.digest == canonical_digest(assessment)


def test_submitted_rejects_save_answer(
    assessment: Assessment, catalog: CatalogVersion, consultant_a: User
) -> None:
    submitted(assessment, consultant_a)
    data = AnswerInput(option=option(catalog, "partial"), planned_date=PLANNED)

    with pytest.raises(AssessmentLocked):
        save_answer(answer_to(assessment, "4.1"), data, actor=consultant_a)

    assert answer_to(assessment, "4.1").option == option(catalog, "implemented")


def test_submitted_rejects_add_evidence(
    assessment: Assessment, consultant_a: User
) -> None:
    submitted(assessment, consultant_a)
    assessment.refresh_from_db()
    upload = ContentFile(b"late", name="late.pdf")

    with pytest.raises(AssessmentLocked):
        add_evidence(answer_to(assessment, "4.1"), upload, actor=consultant_a)

    assert not Evidence.objects.exists()


def test_submitted_rejects_remove_evidence(
    assessment: Assessment, consultant_a: User
) -> None:
    evidence = add_evidence(
        answer_to(assessment, "4.1"),
        ContentFile(b"beleid", name="beleid.pdf"),
        actor=consultant_a,
    )
    submitted(assessment, consultant_a)
    evidence = Evidence.objects.select_related("answer__assessment").get()

    with pytest.raises(AssessmentLocked):
        remove_evidence(evidence, actor=consultant_a)

    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_submitted_rejects_second_submit(
    assessment: Assessment, consultant_a: User
) -> None:
    submitted(assessment, consultant_a)

    with pytest.raises(AssessmentLocked):
        submit_assessment(assessment, actor=consultant_a)

    assert Submission.objects.count() == 1


# Reopening


@pytest.mark.parametrize("reason", ["", "   "])
def test_reopen_needs_reason(
    assessment: Assessment, consultant_a: User, management_a: User, reason: str
) -> None:
    submitted(assessment, consultant_a)

    with pytest.raises(ValidationError) as raised:
        reopen_assessment(assessment, actor=management_a, reason=reason)
    assessment.refresh_from_db()

    assert "reason" in raised.value.message_dict
    assert assessment.status == Assessment.Status.SUBMITTED


def test_reopen_rejects_draft(assessment: Assessment, management_a: User) -> None:
    with pytest.raises(ValidationError):
        reopen_assessment(assessment, actor=management_a, reason="Correctie")

    assert assessment.is_draft


def test_reopen_keeps_submission_and_digest(
    assessment: Assessment, consultant_a: User, management_a: User
) -> None:
    first = submitted(assessment, consultant_a)

    reopen_assessment(assessment, actor=management_a, reason=" Fout in 4.3.2 ")
    assessment.refresh_from_db()
    reloaded = Submission.objects.get(pk=first.pk)
    entry = AuditEntry.objects.get(action="assessment.reopened")

    assert assessment.is_draft
    assert reloaded.digest == first.digest
    assert reloaded.content == first.content
    assert reloaded.reopened_by == management_a
    assert reloaded.reopened_at is not None
    assert reloaded.reopen_reason == "Fout in 4.3.2"
    assert entry.new_values["reason"] == "Fout in 4.3.2"
    assert entry.old_values["digest"] == first.digest


def test_second_submit_makes_submission_two(
    assessment: Assessment,
    catalog: CatalogVersion,
    consultant_a: User,
    management_a: User,
) -> None:
    first = submitted(assessment, consultant_a)
    reopen_assessment(assessment, actor=management_a, reason="Correctie")
    save_answer(
        answer_to(assessment, "4.3.2"),
        AnswerInput(option=option(catalog, "partial"), planned_date=PLANNED),
        actor=consultant_a,
    )

    second = submit_assessment(assessment, actor=consultant_a)

    assert second.number == 2
    assert list(assessment.submissions.values_list("number", flat=True)) == [1, 2]
    assert second.digest != first.digest
    assert Submission.objects.get(pk=first.pk).digest == first.digest


# Evidence


def test_evidence_stores_digest_and_name(
    assessment: Assessment, consultant_a: User
) -> None:
    content = b"Informatieveiligheidsbeleid, goedgekeurd op 14 maart.\n"

    evidence = add_evidence(
        answer_to(assessment, "4.1"),
        ContentFile(content, name="Beleid 2025.pdf"),
        actor=consultant_a,
    )
    with evidence.file.open("rb") as stored:
        stored_bytes = stored.read()

    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert evidence.original_name == "Beleid 2025.pdf"
    assert evidence.size == len(content)
    assert evidence.media_type == "application/pdf"
    assert evidence.uploaded_by == consultant_a
    assert stored_bytes == content


def test_evidence_records_audit_entry(
    assessment: Assessment, consultant_a: User
) -> None:
    evidence = add_evidence(
        answer_to(assessment, "4.1"),
        ContentFile(b"beleid", name="beleid.pdf"),
        actor=consultant_a,
    )
    entry = AuditEntry.objects.get(action="assessment.evidence_added")

    assert entry.object_id == str(evidence.pk)
    assert entry.new_values == {
        "norm": "4.1",
        "name": "beleid.pdf",
        "sha256": evidence.sha256,
    }


def test_evidence_name_cannot_choose_path(
    assessment: Assessment, consultant_a: User, settings: LazySettings
) -> None:
    upload = ContentFile(b"%PDF-1.4 not really", name="../../etc/passwd.pdf")

    evidence = add_evidence(answer_to(assessment, "4.1"), upload, actor=consultant_a)
    media_root = Path(settings.MEDIA_ROOT).resolve()
    stored = Path(evidence.file.path).resolve()
    folder = f"evidence/{assessment.organisation_id}/{evidence.sha256[:2]}/"
    name = str(evidence.file.name)

    assert evidence.original_name == "passwd.pdf"
    assert ".." not in name
    assert "passwd" not in name
    assert name.startswith(folder)
    assert stored.is_relative_to(media_root)


def test_evidence_rejects_file_over_limit(
    assessment: Assessment, consultant_a: User, settings: LazySettings
) -> None:
    settings.EVIDENCE_MAX_BYTES = 10
    upload = ContentFile(b"x" * 11, name="groot.pdf")

    with pytest.raises(ValidationError) as raised:
        add_evidence(answer_to(assessment, "4.1"), upload, actor=consultant_a)

    assert "file" in raised.value.message_dict
    assert "10" in raised.value.message_dict["file"][0]
    assert not Evidence.objects.exists()


def test_evidence_accepts_file_at_limit(
    assessment: Assessment, consultant_a: User, settings: LazySettings
) -> None:
    settings.EVIDENCE_MAX_BYTES = 10
    upload = ContentFile(b"x" * 10, name="precies.pdf")

    evidence = add_evidence(answer_to(assessment, "4.1"), upload, actor=consultant_a)

    assert evidence.size == 10


@pytest.mark.parametrize(
    "name", ["script.html", "rapport.pdf.exe", "zonder-extensie", "rapport.pdf"]
)
def test_evidence_rejects_type_not_allowed(
    assessment: Assessment, consultant_a: User, settings: LazySettings, name: str
) -> None:
    settings.EVIDENCE_EXTENSIONS = ["txt", "odt"]
    upload = ContentFile(b"inhoud", name=name)

    with pytest.raises(ValidationError) as raised:
        add_evidence(answer_to(assessment, "4.1"), upload, actor=consultant_a)

    assert "file" in raised.value.message_dict
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("name", ["notulen.odt", "NOTULEN.ODT"])
def test_evidence_accepts_allowed_type(
    assessment: Assessment, consultant_a: User, settings: LazySettings, name: str
) -> None:
    settings.EVIDENCE_EXTENSIONS = ["txt", "odt"]
    upload = ContentFile(b"inhoud", name=name)

    evidence = add_evidence(answer_to(assessment, "4.1"), upload, actor=consultant_a)

    assert evidence.original_name == name


def test_remove_evidence_keeps_bytes(
    assessment: Assessment, consultant_a: User
) -> None:
    evidence = add_evidence(
        answer_to(assessment, "4.1"),
        ContentFile(b"beleid", name="beleid.pdf"),
        actor=consultant_a,
    )
    path = Path(evidence.file.path)

    remove_evidence(evidence, actor=consultant_a)
    entry = AuditEntry.objects.get(action="assessment.evidence_removed")

    assert not Evidence.objects.exists()
    assert path.read_bytes() == b"beleid"
    assert entry.old_values["sha256"] == evidence.sha256
    assert entry.old_values["name"] == "beleid.pdf"
