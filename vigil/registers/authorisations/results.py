"""The result of a review campaign as evidence: files, a document, a panel.

A closed campaign's result is exported as CSV or XLSX (one row per line,
the values at the start and the decision) and as a
:class:`~vigil.reports.document.Document`. The questionnaire page of the
norms that list the ``authorisations`` register key shows the last closed
campaign and offers to attach its result to the answer.
"""

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.assessments import sources
from vigil.assessments.models import Answer, Evidence
from vigil.assessments.services import add_evidence
from vigil.audit.services import record as audit
from vigil.organisations.models import Organisation
from vigil.registers import tabular
from vigil.registers.authorisations.models import (
    Authorisation,
    ReviewCampaign,
    ReviewLine,
    change_texts,
)
from vigil.registers.authorisations.reviews import ReviewResult, result
from vigil.registers.authorisations.specs import last_closed_campaign
from vigil.reports.document import Document, Facts, Heading, Signature, Table

CATALOG_KEY = "authorisations"

COLUMNS = (
    "line",
    "authorisation",
    "person_name",
    "function",
    "user_id",
    "application",
    "data_category",
    "access_level",
    "valid_from",
    "valid_until",
    "decision",
    "decided_on",
    "decided_by",
    "note",
    "changes",
)


def _choice_label(choices: Sequence[tuple[str, Any]], code: Any) -> str:
    return str(dict(choices).get(code, code or ""))


def _changes_text(changes: dict[str, Any]) -> str:
    return "; ".join(change_texts(changes))


def line_row(number: int, line: ReviewLine) -> list[str]:
    """Return one line's cells in the order of :data:`COLUMNS`."""
    values = line.snapshot

    def text(name: str) -> str:
        value = values.get(name)
        return "" if value is None else str(value)

    return [
        str(number),
        text("id"),
        text("person_name"),
        text("function"),
        text("user_id"),
        text("application"),
        _choice_label(Authorisation.DataCategory.choices, values.get("data_category")),
        _choice_label(Authorisation.AccessLevel.choices, values.get("access_level")),
        text("valid_from"),
        text("valid_until"),
        line.get_decision_display() if line.decision else "",
        line.decided_on.isoformat() if line.decided_on else "",
        line.decided_by_label,
        line.note,
        _changes_text(line.changes),
    ]


def result_rows(outcome: ReviewResult) -> list[list[str]]:
    return [line_row(number, line) for number, line in enumerate(outcome.lines, 1)]


def render_result(campaign: ReviewCampaign, fmt: str) -> bytes:
    """Return the campaign's result as ``csv`` or ``xlsx``."""
    outcome = result(campaign)
    rows = result_rows(outcome)
    if fmt == "csv":
        return tabular.render_csv(COLUMNS, rows)
    if fmt == "xlsx":
        return tabular.render_xlsx(campaign.name, COLUMNS, rows, column_labels())
    raise ValueError(f"unknown result format {fmt!r}; use csv or xlsx")


def column_labels() -> list[str]:
    return [
        _("line"),
        _("authorisation id"),
        _("person"),
        _("function"),
        _("user id in KSZ messages"),
        _("application"),
        _("data category"),
        _("access level"),
        _("valid from"),
        _("valid until"),
        _("decision"),
        _("decided on"),
        _("decided by"),
        _("note"),
        _("changes"),
    ]


def result_document(campaign: ReviewCampaign, language: str) -> Document:
    """Build the review report of a campaign in the active language."""
    outcome = result(campaign)
    facts = Facts(
        rows=(
            (_("Review"), campaign.name),
            (_("Started on"), campaign.started_on.isoformat()),
            (_("Due by"), campaign.due_by.isoformat()),
            (_("Application"), campaign.application or _("all applications")),
            (_("Status"), campaign.get_status_display()),
            (_("Lines"), str(outcome.total)),
            (_("Confirmed"), str(outcome.confirmed)),
            (_("Changed"), str(outcome.changed)),
            (_("Revoked"), str(outcome.revoked)),
            (_("Not decided"), str(outcome.open)),
        )
    )
    header = (
        _("person"),
        _("application"),
        _("access level"),
        _("valid until"),
        _("decision"),
        _("decided on"),
        _("note"),
    )
    rows = tuple(
        (cells[2], cells[5], cells[7], cells[9], cells[10], cells[11], cells[13])
        for cells in result_rows(outcome)
    )
    closed_by = str(campaign.closed_by) if campaign.closed_by else ""
    closed_on = campaign.closed_on.isoformat() if campaign.closed_on else ""
    return Document(
        title=_("Review of the authorisation table"),
        subtitle=campaign.name,
        language=language,
        organisation=campaign.organisation.name,
        generated_at=timezone.now(),
        blocks=(
            Heading(_("Scope and result")),
            facts,
            Heading(_("Lines")),
            Table(header=header, rows=rows, widths=(3, 3, 2, 2, 2, 2, 4)),
            Signature(rows=((_("Closed by"), closed_by), (_("Closed on"), closed_on))),
        ),
        footer=f"Vigil · {campaign.organisation.name} · {campaign.name}",
    )


def summary_lines(outcome: ReviewResult) -> list[str]:
    campaign = outcome.campaign
    closed = campaign.closed_on.isoformat() if campaign.closed_on else ""
    return [
        _("%(name)s, closed on %(day)s.") % {"name": campaign.name, "day": closed},
        _(
            "%(total)d lines: %(confirmed)d confirmed, %(changed)d changed, "
            "%(revoked)d revoked."
        )
        % {
            "total": outcome.total,
            "confirmed": outcome.confirmed,
            "changed": outcome.changed,
            "revoked": outcome.revoked,
        },
    ]


def panels(
    organisation: Organisation, keys: Sequence[str], year: int, code: str
) -> list[sources.EvidencePanel]:
    """Return the panel of the last closed review for a norm that lists the table."""
    if CATALOG_KEY not in keys:
        return []
    list_url = reverse("authorisations:reviews", kwargs={"org": organisation.slug})
    closed = ReviewCampaign.objects.filter(
        organisation=organisation, status=ReviewCampaign.Status.CLOSED
    )
    last = last_closed_campaign(organisation)
    if last is None:
        return [
            sources.EvidencePanel(
                key="authorisation-reviews",
                title=_("Reviews of the authorisation table"),
                url=list_url,
                count=0,
                lines=[_("No review closed yet.")],
            )
        ]
    keys_of_last = {"org": organisation.slug, "pk": last.pk}
    attach_url = reverse(
        "authorisations:review_attach",
        kwargs={**keys_of_last, "year": year, "code": code},
    )
    return [
        sources.EvidencePanel(
            key="authorisation-reviews",
            title=_("Reviews of the authorisation table"),
            url=reverse("authorisations:review", kwargs=keys_of_last),
            count=closed.count(),
            lines=summary_lines(result(last)),
            attach_url=attach_url,
        )
    ]


def connect() -> None:
    sources.connect(panels)


def attach_result(
    campaign: ReviewCampaign, year: int, code: str, *, actor: Any
) -> Evidence:
    """Attach a closed campaign's XLSX result to the answer of norm ``code``.

    Raise ValidationError when the campaign is open, the questionnaire of
    ``year`` has no such norm, or the norm does not list the table.
    """
    if not campaign.is_closed:
        raise ValidationError(
            _("Review %(name)s is still open; close it before attaching it.")
            % {"name": campaign.name}
        )
    organisation = campaign.organisation
    answer = (
        Answer.objects.select_related("assessment__organisation", "norm")
        .filter(assessment__organisation=organisation, assessment__year=year)
        .filter(norm__code=code)
        .first()
    )
    if answer is None:
        raise ValidationError(
            _("There is no questionnaire %(year)d with norm %(code)s.")
            % {"year": year, "code": code}
        )
    if CATALOG_KEY not in answer.norm.registers:
        raise ValidationError(
            _("A review of the authorisations is not evidence for norm %(code)s.")
            % {"code": code}
        )
    content = render_result(campaign, "xlsx")
    upload = ContentFile(content, name=result_filename(campaign, "xlsx"))
    with transaction.atomic():
        item = add_evidence(answer, upload, actor=actor)
        audit(
            "authorisation.review_attached",
            actor=actor,
            target=item,
            organisation=organisation,
            new={"review": campaign.pk, "norm": code, "year": year},
        )
    return item


def result_filename(campaign: ReviewCampaign, fmt: str) -> str:
    day: datetime.date = campaign.closed_on or campaign.started_on
    return f"authorisation-review-{campaign.pk}-{day.isoformat()}.{fmt}"
