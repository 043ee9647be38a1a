from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from vigil.accounts.roles import Capability
from vigil.assessments.forms import AnswerForm, EvidenceForm
from vigil.assessments.models import Answer, AnswerChange, Assessment, Evidence
from vigil.assessments.rules import planned_date_warning
from vigil.assessments.scoring import (
    Score,
    Tally,
    answers_for_scoring,
    score_answers,
    score_rule,
)
from vigil.assessments.services import save_answer
from vigil.assessments.sources import panels_for
from vigil.assessments.views import get_assessment
from vigil.catalog.models import AnswerOption
from vigil.organisations.tenancy import Tenant, scoped, tenant_view


def _answers(assessment: Assessment) -> list[Answer]:
    return list(
        assessment.answers.select_related("norm__chapter", "option")
        .prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("id"))
        )
        .order_by("norm__position")
    )


def _options(assessment: Assessment) -> list[AnswerOption]:
    return list(assessment.catalog.answer_options.all())


def _row(
    answer: Answer,
    options: list[AnswerOption],
    tenant: Tenant,
    form: AnswerForm | None = None,
) -> dict[str, Any]:
    editable = answer.assessment.is_draft and tenant.grants(Capability.EDIT_ASSESSMENT)
    warning = planned_date_warning(
        answer.option,
        answer.planned_date,
        answer.assessment.year,
        timezone.localdate(),
    )
    return {
        "answer": answer,
        "norm": answer.norm,
        "warning": warning.message if warning is not None else "",
        "form": form
        or (AnswerForm(answer=answer, options=options) if editable else None),
    }


# The ``chapter`` query value that lists the norms of every chapter: those
# behind the overall score.
ALL_CHAPTERS = "all"


@require_safe
@tenant_view(Capability.VIEW)
def questionnaire(request: HttpRequest, tenant: Tenant, year: int) -> HttpResponse:
    """Show one chapter, or every chapter, of the questionnaire with its forms."""
    assessment = get_assessment(tenant, year)
    answers = _answers(assessment)
    score = score_answers(answers)
    chapter = _chosen_chapter(score, request.GET.get("chapter"))
    options = _options(assessment)
    rows = [
        _row(answer, options, tenant)
        for answer in answers
        if chapter is None or answer.norm.chapter.code == chapter.code
    ]
    context = {
        "tenant": tenant,
        "assessment": assessment,
        "score": score,
        "score_rule": score_rule(assessment.catalog),
        "chapter": chapter,
        "rows": rows,
    }
    return render(request, "assessments/questionnaire.html", context)


def _chosen_chapter(score: Score, code: str | None) -> Tally | None:
    """Return the chapter named by ``code``, or the first one when it is empty.

    Returns None for ``ALL_CHAPTERS`` and raises Http404 for an unknown code.
    """
    if code == ALL_CHAPTERS:
        return None
    if not code and score.chapters:
        return score.chapters[0]
    chapter = next((c for c in score.chapters if c.code == code), None)
    if chapter is None:
        raise Http404
    return chapter


def _get_answer(tenant: Tenant, assessment: Assessment, code: str) -> Answer:
    answer = (
        scoped(Answer.objects, tenant)
        .select_related(
            "norm__chapter", "option", "assessment__catalog", "assessment__organisation"
        )
        .filter(assessment=assessment, norm__code=code)
        .first()
    )
    if answer is None:
        raise Http404
    return answer


@tenant_view(Capability.VIEW)
def norm(request: HttpRequest, tenant: Tenant, year: int, code: str) -> HttpResponse:
    """Show one norm: requirement, guidance, the answer, evidence and history."""
    assessment = get_assessment(tenant, year)
    answer = _get_answer(tenant, assessment, code)
    if request.method == "POST":
        return _save(request, tenant, answer)
    return _render_norm(request, tenant, answer)


def _render_norm(
    request: HttpRequest,
    tenant: Tenant,
    answer: Answer,
    form: AnswerForm | None = None,
    evidence_form: EvidenceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    options = _options(answer.assessment)
    history = (
        scoped(AnswerChange.objects, tenant)
        .filter(answer=answer)
        .select_related("changed_by")
    )
    context = {
        "tenant": tenant,
        "assessment": answer.assessment,
        "row": _row(answer, options, tenant, form),
        "evidence": list(answer.evidence.order_by("id")),
        "evidence_form": evidence_form or EvidenceForm(),
        "history": [_with_labels(change, options) for change in history[:100]],
        "panels": panels_for(
            tenant.organisation,
            answer.norm.registers,
            answer.assessment.year,
            answer.norm.code,
        ),
        "can_edit": answer.assessment.is_draft
        and tenant.grants(Capability.EDIT_ASSESSMENT),
    }
    return render(request, "assessments/norm.html", context, status=status)


def _save(request: HttpRequest, tenant: Tenant, answer: Answer) -> HttpResponse:
    if not tenant.grants(Capability.EDIT_ASSESSMENT):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    options = _options(answer.assessment)
    form = AnswerForm(request.POST, answer=answer, options=options)
    if form.is_valid():
        try:
            save_answer(answer, form.to_input(), actor=request.user)
        except ValidationError as error:
            _add_errors(form, error)
    is_htmx = request.headers.get("HX-Request") == "true"
    if form.errors:
        if is_htmx:
            return _render_row(request, tenant, answer, options, form)
        return _render_norm(request, tenant, answer, form=form, status=400)
    # No refresh_from_db here: _render_row reads the saved answer again, and
    # the message needs only the norm code, which a save never changes.
    if is_htmx:
        return _render_row(request, tenant, answer, options, None, saved=True)
    messages.success(
        request, _("Answer to %(norm)s saved.") % {"norm": answer.norm.code}
    )
    return redirect(_next_url(request))


def _next_url(request: HttpRequest) -> str:
    """Return the ``next`` address of the form if it stays on this site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target,
        allowed_hosts={request.get_host()},
        require_https=request.is_secure(),
    ):
        return target
    return request.path


def _add_errors(form: AnswerForm, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _render_row(
    request: HttpRequest,
    tenant: Tenant,
    answer: Answer,
    options: list[AnswerOption],
    form: AnswerForm | None,
    saved: bool = False,
) -> HttpResponse:
    answer = _get_answer(tenant, answer.assessment, answer.norm.code)
    context = {
        "tenant": tenant,
        "assessment": answer.assessment,
        "row": _row(answer, options, tenant, form),
        "saved": saved,
    }
    if not saved:
        return render(request, "assessments/_answer_row.html", context)
    # A save changes the progress and score in the chapter list, which the
    # response replaces out of band so that the figures beside the form agree.
    score = score_answers(answers_for_scoring(answer.assessment))
    context["score"] = score
    context["score_rule"] = score_rule(answer.assessment.catalog)
    context["chapter"] = next(
        c for c in score.chapters if c.code == answer.norm.chapter.code
    )
    return render(request, "assessments/_answer_saved.html", context)


def _with_labels(change: AnswerChange, options: list[AnswerOption]) -> AnswerChange:
    """Replace the answer codes of a history row with the scale's labels."""
    labels = {option.code: option.label_text for option in options}
    for values in (change.old_values, change.new_values):
        if values.get("option") in labels:
            values["option"] = labels[values["option"]]
    return change
