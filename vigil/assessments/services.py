"""State changes of assessments: one function per change, each audited.

Every function takes the acting user as ``actor``, runs in one transaction
and writes its audit entry in that transaction, so a change and its record
land together or not at all.
"""

import datetime
import hashlib
import logging
import mimetypes
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.assessments.canonical import assessment_content, digest_of
from vigil.assessments.models import (
    Answer,
    AnswerChange,
    Assessment,
    Evidence,
    Submission,
)
from vigil.assessments.rules import check_answer, planned_date_warning
from vigil.assessments.scoring import score_assessment
from vigil.audit.services import acting_user, actor_label, record
from vigil.catalog.mapping import MappingMissing, carry_over_plan
from vigil.catalog.models import AnswerOption, CatalogVersion
from vigil.organisations.models import Organisation

logger = logging.getLogger(__name__)

ANSWER_FIELDS = ("option", "comment", "justification", "planned_date", "owner")


class AssessmentLocked(ValidationError):
    """The assessment is submitted; reopen it before changing anything."""


def _ensure_draft(assessment: Assessment) -> None:
    if not assessment.is_draft:
        raise AssessmentLocked(
            _(
                "The questionnaire %(year)s is submitted and frozen; "
                "reopen it with a reason to change it."
            )
            % {"year": assessment.year},
            code="locked",
        )


@transaction.atomic
def create_assessment(
    organisation: Organisation,
    year: int,
    *,
    actor: Any,
    catalog: CatalogVersion | None = None,
    copy_from: Assessment | None = None,
) -> Assessment:
    """Start the questionnaire of ``year``, empty or from an earlier year's answers."""
    if Assessment.objects.filter(organisation=organisation, year=year).exists():
        raise ValidationError(
            {"year": _("A questionnaire for %(year)s already exists.") % {"year": year}}
        )
    if copy_from is not None and copy_from.organisation_id != organisation.pk:
        raise ValidationError(
            {"copy_from": _("Choose a questionnaire of this centre.")}
        )
    catalog = catalog or (
        copy_from.catalog if copy_from else _default_catalog(organisation)
    )
    assessment = Assessment.objects.create(
        organisation=organisation,
        year=year,
        catalog=catalog,
        started_from=copy_from,
        created_by=actor,
    )
    previous = _previous_answers(copy_from, catalog) if copy_from else {}
    options = {option.code: option for option in catalog.answer_options.all()}
    Answer.objects.bulk_create(
        _answer_from(assessment, norm, previous.get(norm.code), options, actor)
        for norm in catalog.norms.all()
    )
    record(
        "assessment.created",
        actor=actor,
        target=assessment,
        organisation=organisation,
        new={
            "year": year,
            "catalog": catalog.code,
            "copied_from": copy_from and copy_from.year,
        },
    )
    return assessment


def _default_catalog(organisation: Organisation) -> CatalogVersion:
    """Return the catalog of the centre's latest year, else the configured default.

    A catalog loaded later for testing or preparation never becomes the
    default by accident: the supervisor's version is a setting.
    """
    latest = (
        Assessment.objects.filter(organisation=organisation)
        .select_related("catalog")
        .order_by("-year")
        .first()
    )
    if latest is not None:
        return latest.catalog
    catalog = CatalogVersion.objects.filter(code=settings.VIGIL_DEFAULT_CATALOG).first()
    if catalog is None:
        raise ValidationError(
            _(
                "The default catalog %(code)s is not loaded; run “vigil setup” or "
                "set VIGIL_DEFAULT_CATALOG to a loaded version."
            )
            % {"code": settings.VIGIL_DEFAULT_CATALOG}
        )
    return catalog


def _answers_by_norm_code(assessment: Assessment) -> dict[str, Answer]:
    answers = assessment.answers.select_related("norm", "option")
    return {answer.norm.code: answer for answer in answers}


def _previous_answers(
    previous: Assessment, catalog: CatalogVersion
) -> dict[str, Answer]:
    """Return the earlier answer each norm of ``catalog`` starts from, by norm id.

    On another catalog version the loaded mapping decides; when several
    earlier norms merge into one, the weakest answer is carried over, so a
    merge never makes the centre look better than it was.
    """
    answers = _answers_by_norm_code(previous)
    if previous.catalog_id == catalog.pk:
        return answers
    try:
        plan = carry_over_plan(previous.catalog.code, catalog.code)
    except MappingMissing as error:
        raise ValidationError({"copy_from": str(error)}) from None
    carried: dict[str, Answer] = {}
    for target, step in plan.items():
        candidates = [answers[code] for code in step.sources if code in answers]
        answered = [a for a in candidates if a.option is not None]
        if answered:
            carried[target] = min(answered, key=_weight)
    return carried


def _weight(answer: Answer) -> float:
    option = answer.option
    if option is None or not option.counts_in_score:
        return 2.0
    return float(option.weight)


def _answer_from(
    assessment: Assessment,
    norm: Any,
    previous: Answer | None,
    options: dict[str, AnswerOption],
    actor: Any,
) -> Answer:
    answer = Answer(assessment=assessment, norm=norm, updated_by=actor)
    if previous is not None:
        answer.option = options.get(previous.option.code) if previous.option else None
        for name in ("comment", "justification", "planned_date", "owner"):
            setattr(answer, name, getattr(previous, name))
    return answer


@dataclass(frozen=True)
class AnswerInput:
    option: AnswerOption | None
    comment: str = ""
    justification: str = ""
    planned_date: datetime.date | None = None
    owner: str = ""


def answer_values(answer: Answer | AnswerInput) -> dict[str, Any]:
    values = {name: getattr(answer, name) for name in ANSWER_FIELDS}
    values["option"] = values["option"].code if values["option"] else None
    return values


def validate_answer(answer: Answer, data: AnswerInput) -> None:
    """Raise ValidationError naming each field that breaks the scale's rules."""
    if (
        data.option is not None
        and data.option.catalog_id != answer.assessment.catalog_id
    ):
        raise ValidationError(
            {"option": _("Choose an answer from this catalog's scale.")}
        )
    violations = check_answer(data.option, data.justification, data.planned_date)
    if violations:
        raise ValidationError({v.field: v.message for v in violations})


@transaction.atomic
def save_answer(
    answer: Answer,
    data: AnswerInput,
    *,
    actor: Any,
    import_file: str = "",
    overwrote_newer: bool = False,
) -> bool:
    """Store a new answer after checking the rules; return whether anything changed.

    An import passes the name of its file as ``import_file`` and sets
    ``overwrote_newer`` when it replaces an answer changed after the file's
    export. Both go into the history row.
    """
    # PostgreSQL rejects FOR UPDATE on the nullable side of the outer join to
    # the option, so only the answer row is locked.
    answer = (
        Answer.objects.select_for_update(of=("self",))
        .select_related("assessment__organisation", "option", "norm")
        .get(pk=answer.pk)
    )
    _ensure_draft(answer.assessment)
    validate_answer(answer, data)
    old, new = answer_values(answer), answer_values(data)
    changed = {name for name in ANSWER_FIELDS if old[name] != new[name]}
    if not changed:
        return False
    for name in ANSWER_FIELDS:
        setattr(answer, name, getattr(data, name))
    answer.updated_by = acting_user(actor)
    answer.revision += 1
    answer.save()
    old_changed = {name: old[name] for name in sorted(changed)}
    new_changed = {name: new[name] for name in sorted(changed)}
    AnswerChange.objects.create(
        answer=answer,
        changed_by=acting_user(actor),
        actor_label=actor_label(actor),
        old_values=_jsonable(old_changed),
        new_values=_jsonable(new_changed),
        import_file=import_file[:255],
        overwrote_newer=overwrote_newer,
    )
    record(
        "assessment.answer_changed",
        actor=actor,
        target=answer,
        organisation=answer.assessment.organisation,
        old=old_changed,
        new=new_changed,
    )
    return True


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value.isoformat() if isinstance(value, datetime.date) else value
        for key, value in values.items()
    }


def check_evidence_file(upload: "File[bytes]") -> None:
    """Reject an upload that is too large or of a type not on the allowed list."""
    name = PurePath(upload.name or "").name
    extension = PurePath(name).suffix.lower().lstrip(".")
    allowed = settings.EVIDENCE_EXTENSIONS
    if extension not in allowed:
        raise ValidationError(
            {
                "file": _(
                    "File “%(name)s” has type “%(ext)s”, which is not accepted; "
                    "upload one of: %(allowed)s."
                )
                % {"name": name, "ext": extension or "-", "allowed": ", ".join(allowed)}
            }
        )
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            {
                "file": _(
                    "File “%(name)s” is %(size)s bytes; the limit is %(limit)s bytes. "
                    "Upload a smaller file."
                )
                % {"name": name, "size": upload.size, "limit": limit}
            }
        )


@transaction.atomic
def add_evidence(answer: Answer, upload: "File[bytes]", *, actor: Any) -> Evidence:
    """Attach an uploaded file to an answer, stored under its SHA-256."""
    _ensure_draft(answer.assessment)
    check_evidence_file(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = PurePath(upload.name or "evidence").name[:255]
    evidence = Evidence(
        answer=answer,
        original_name=name,
        media_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        size=upload.size or 0,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    evidence.file.save(evidence.sha256, upload, save=False)
    evidence.save()
    record(
        "assessment.evidence_added",
        actor=actor,
        target=evidence,
        organisation=answer.assessment.organisation,
        new={"norm": answer.norm.code, "name": name, "sha256": evidence.sha256},
    )
    return evidence


@transaction.atomic
def remove_evidence(evidence: Evidence, *, actor: Any) -> None:
    """Detach a file from a draft answer; stored bytes stay for older submissions."""
    answer = evidence.answer
    _ensure_draft(answer.assessment)
    record(
        "assessment.evidence_removed",
        actor=actor,
        target=evidence,
        organisation=answer.assessment.organisation,
        old={
            "norm": answer.norm.code,
            "name": evidence.original_name,
            "sha256": evidence.sha256,
        },
    )
    evidence.delete()


@dataclass(frozen=True)
class Gap:
    norm: str
    field: str
    message: str


def find_gaps(assessment: Assessment) -> list[Gap]:
    """List what keeps the assessment from being submitted, norm by norm."""
    gaps: list[Gap] = []
    answers = assessment.answers.select_related("norm", "option").order_by(
        "norm__position"
    )
    for answer in answers:
        if answer.option is None:
            gaps.append(Gap(answer.norm.code, "option", _("No answer yet.")))
            continue
        for violation in check_answer(
            answer.option, answer.justification, answer.planned_date
        ):
            gaps.append(Gap(answer.norm.code, violation.field, violation.message))
    return gaps


def find_warnings(
    assessment: Assessment, today: datetime.date | None = None
) -> list[Gap]:
    """List what deserves a second look but does not block submission."""
    today = today or timezone.localdate()
    warnings: list[Gap] = []
    answers = assessment.answers.select_related("norm", "option").order_by(
        "norm__position"
    )
    for answer in answers:
        warning = planned_date_warning(
            answer.option, answer.planned_date, assessment.year, today
        )
        if warning is not None:
            warnings.append(Gap(answer.norm.code, warning.field, warning.message))
    return warnings


class SubmissionIncomplete(ValidationError):
    def __init__(self, gaps: list[Gap]) -> None:
        super().__init__(_("The questionnaire is incomplete."), code="incomplete")
        self.gaps = gaps


@transaction.atomic
def submit_assessment(assessment: Assessment, *, actor: Any) -> Submission:
    """Freeze a complete assessment and record the digest of its content."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    _ensure_draft(assessment)
    gaps = find_gaps(assessment)
    if gaps:
        raise SubmissionIncomplete(gaps)
    content = assessment_content(assessment)
    digest = digest_of(content)
    number = assessment.submissions.count() + 1
    submission = Submission.objects.create(
        assessment=assessment,
        number=number,
        submitted_at=timezone.now(),
        submitted_by=actor,
        digest=digest,
        content=content,
    )
    assessment.status = Assessment.Status.SUBMITTED
    assessment.save(update_fields=["status"])
    overall = score_assessment(assessment).overall
    record(
        "assessment.submitted",
        actor=actor,
        target=assessment,
        organisation=assessment.organisation,
        old={"status": Assessment.Status.DRAFT},
        new={
            "status": Assessment.Status.SUBMITTED,
            "submission": number,
            "digest": digest,
            "score": str(overall.score_percent),
        },
    )
    logger.info(
        "assessment %s submitted as #%s, digest %s", assessment.pk, number, digest
    )
    return submission


@transaction.atomic
def reopen_assessment(assessment: Assessment, *, actor: Any, reason: str) -> Submission:
    """Make a submitted assessment editable again; the submitted version stays."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.is_draft:
        raise ValidationError(
            _("The questionnaire is not submitted, so it is already open.")
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for reopening.")})
    submission = assessment.submissions.order_by("-number").first()
    if submission is None:
        raise ValidationError(_("The questionnaire has no submission to reopen."))
    submission.reopened_at = timezone.now()
    submission.reopened_by = actor
    submission.reopen_reason = reason.strip()
    submission.save(update_fields=["reopened_at", "reopened_by", "reopen_reason"])
    assessment.status = Assessment.Status.DRAFT
    assessment.save(update_fields=["status"])
    record(
        "assessment.reopened",
        actor=actor,
        target=assessment,
        organisation=assessment.organisation,
        old={"status": Assessment.Status.SUBMITTED, "digest": submission.digest},
        new={"status": Assessment.Status.DRAFT, "reason": submission.reopen_reason},
    )
    return submission
