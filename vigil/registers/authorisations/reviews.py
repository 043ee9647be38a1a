"""Review campaigns of the authorisation table: start, decide, close.

A campaign takes every authorisation valid on its start date (optionally of
one application) as a line with a snapshot of its values. Each line is
confirmed, changed or revoked. A change or a revocation is applied to the
authorisation through :mod:`vigil.registers.services`, so the register's
history shows it. A campaign closes only when every line is decided, and a
closed campaign can no longer change.
"""

import datetime
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vigil.audit.services import record as audit
from vigil.organisations.models import Organisation
from vigil.registers import services, wire
from vigil.registers.authorisations.models import (
    Authorisation,
    ReviewCampaign,
    ReviewLine,
)
from vigil.registers.authorisations.specs import AUTHORISATIONS, valid_on

logger = logging.getLogger(__name__)

Decision = ReviewLine.Decision

# The fields a "changed" decision may set; the person and the approval stay.
CHANGEABLE_FIELDS = (
    "function",
    "user_id",
    "application",
    "data_category",
    "access_level",
    "valid_until",
    "legal_basis",
)


@dataclass(frozen=True)
class ReviewResult:
    """The outcome of a campaign: counts per decision and its lines."""

    campaign: ReviewCampaign
    total: int
    open: int
    confirmed: int
    changed: int
    revoked: int
    lines: list[ReviewLine]


def _actor_user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _lock(campaign: ReviewCampaign) -> ReviewCampaign:
    """Reload the campaign with a row lock so decisions and closing serialise."""
    return ReviewCampaign.objects.select_for_update().get(pk=campaign.pk)


def _check_open(campaign: ReviewCampaign) -> None:
    if campaign.is_closed:
        closed = campaign.closed_on.isoformat() if campaign.closed_on else ""
        raise ValidationError(
            _(
                "Review %(name)s was closed on %(day)s and is kept as evidence; "
                "its lines can no longer change. Start a new review instead."
            )
            % {"name": campaign.name, "day": closed}
        )


def start_review(
    organisation: Organisation,
    *,
    name: str,
    started_on: datetime.date,
    due_by: datetime.date,
    application: str = "",
    actor: Any,
) -> ReviewCampaign:
    """Start a campaign over the authorisations valid on ``started_on``.

    Raise ValidationError (by field) for a missing name, a due date before
    the start, or a scope without any authorisation.
    """
    name = name.strip()
    application = application.strip()
    if not name:
        raise ValidationError({"name": _("Enter a name for the review.")})
    if due_by < started_on:
        raise ValidationError(
            {
                "due_by": _(
                    "Due by %(due)s is before the start %(start)s; choose a "
                    "later due date."
                )
                % {"due": due_by.isoformat(), "start": started_on.isoformat()}
            }
        )
    scope = valid_on(organisation, started_on)
    if application:
        scope = scope.filter(application__iexact=application)
    authorisations = list(scope.order_by("person_name", "application", "id"))
    if not authorisations:
        field = "application" if application else "started_on"
        raise ValidationError(
            {
                field: _(
                    "No authorisation is valid on %(day)s%(scope)s; check the "
                    "start date and the application."
                )
                % {
                    "day": started_on.isoformat(),
                    "scope": f" ({application})" if application else "",
                }
            }
        )
    with transaction.atomic():
        campaign = ReviewCampaign.objects.create(
            organisation=organisation,
            name=name,
            started_on=started_on,
            due_by=due_by,
            application=application,
            started_by=_actor_user(actor),
        )
        ReviewLine.objects.bulk_create(
            ReviewLine(
                campaign=campaign,
                authorisation=item,
                snapshot=wire.json_values(AUTHORISATIONS, item),
            )
            for item in authorisations
        )
        audit(
            "authorisation.review_started",
            actor=actor,
            target=campaign,
            organisation=organisation,
            new={
                "name": name,
                "started_on": started_on,
                "due_by": due_by,
                "application": application,
                "lines": len(authorisations),
            },
        )
    logger.info(
        "review %s started in organisation %s with %d lines",
        campaign.pk,
        organisation.pk,
        len(authorisations),
    )
    return campaign


def decide(
    line: ReviewLine,
    decision: str,
    *,
    actor: Any,
    decided_on: datetime.date | None = None,
    note: str = "",
    changes: Mapping[str, str] | None = None,
) -> ReviewLine:
    """Record the decision on one open line and apply it to the authorisation.

    ``changes`` maps fields of :data:`CHANGEABLE_FIELDS` to wire values and
    is required for a change. Raise ValidationError when the campaign is
    closed, the line is already decided, or the decision cannot be applied;
    then nothing is saved.
    """
    decided_on = decided_on or timezone.localdate()
    requested = line
    with transaction.atomic():
        campaign = _lock(line.campaign)
        _check_open(campaign)
        line = ReviewLine.objects.select_related("authorisation").get(pk=line.pk)
        _check_decision(line, campaign, decision, decided_on)
        applied = _apply(line, decision, decided_on, dict(changes or {}), actor)
        line.decision = decision
        line.decided_on = decided_on
        line.decided_by = _actor_user(actor)
        line.decided_by_label = str(actor) if actor is not None else ""
        line.note = note.strip()
        line.changes = applied
        line.save()
        audit(
            "authorisation.review_decided",
            actor=actor,
            target=campaign,
            organisation=campaign.organisation,
            new={
                "line": line.pk,
                "authorisation": line.snapshot.get(wire.ID),
                "decision": decision,
                "decided_on": decided_on,
                "note": line.note,
                "changes": applied,
            },
        )
    requested.refresh_from_db()
    return requested


def _check_decision(
    line: ReviewLine,
    campaign: ReviewCampaign,
    decision: str,
    decided_on: datetime.date,
) -> None:
    if line.decision:
        raise ValidationError(
            _(
                "The line of %(line)s was already %(decision)s on %(day)s; a "
                "decision is recorded once. Change the authorisation in the "
                "register if it needs another correction."
            )
            % {
                "line": str(line),
                "decision": line.get_decision_display(),
                "day": line.decided_on.isoformat() if line.decided_on else "",
            }
        )
    choices = [Decision.CONFIRMED, Decision.CHANGED, Decision.REVOKED]
    if decision not in choices:
        raise ValidationError(
            {
                "decision": _("%(value)r is not a decision; choose one of %(names)s.")
                % {"value": decision, "names": ", ".join(choices)}
            }
        )
    if decided_on < campaign.started_on:
        raise ValidationError(
            {
                "decided_on": _(
                    "The decision date %(day)s is before the start of the "
                    "review %(start)s; enter a later date."
                )
                % {
                    "day": decided_on.isoformat(),
                    "start": campaign.started_on.isoformat(),
                }
            }
        )
    if decision != Decision.CONFIRMED and line.authorisation is None:
        raise ValidationError(
            {
                "decision": _(
                    "The authorisation of this line was deleted from the "
                    "register, so it can only be confirmed as it was."
                )
            }
        )


def _apply(
    line: ReviewLine,
    decision: str,
    decided_on: datetime.date,
    changes: dict[str, str],
    actor: Any,
) -> dict[str, Any]:
    """Change the authorisation for the decision; return the old and new values."""
    if decision == Decision.CONFIRMED:
        if changes:
            raise ValidationError(
                {"decision": _("A confirmation changes nothing; choose changed.")}
            )
        return {}
    authorisation = line.authorisation
    if authorisation is None:
        raise RuntimeError(f"review line {line.pk} has no authorisation to change")
    if decision == Decision.REVOKED:
        changes = {"valid_until": decided_on.isoformat()}
    else:
        _check_changes(authorisation, changes)
    old = wire.json_values(AUTHORISATIONS, authorisation)
    try:
        updated = services.update_record(
            AUTHORISATIONS, authorisation, changes, actor=actor
        )
    except services.RecordInvalid as error:
        raise ValidationError(dict(error.errors)) from None
    new = wire.json_values(AUTHORISATIONS, updated)
    return {
        name: {"old": old[name], "new": new[name]}
        for name in changes
        if old[name] != new[name]
    }


def _check_changes(authorisation: Authorisation, changes: dict[str, str]) -> None:
    unknown = sorted(set(changes) - set(CHANGEABLE_FIELDS))
    if unknown:
        raise ValidationError(
            {
                "decision": _(
                    "A review cannot change %(names)s; it can change %(allowed)s."
                )
                % {"names": ", ".join(unknown), "allowed": ", ".join(CHANGEABLE_FIELDS)}
            }
        )
    current = wire.json_values(AUTHORISATIONS, authorisation)
    if all(wire_text(current[name]) == value for name, value in changes.items()):
        raise ValidationError(
            {
                "decision": _(
                    "Changed needs at least one new value; enter it, or choose "
                    "confirmed."
                )
            }
        )


def wire_text(value: Any) -> str:
    return "" if value is None else str(value)


def close_review(
    campaign: ReviewCampaign,
    *,
    actor: Any,
    closed_on: datetime.date | None = None,
) -> ReviewCampaign:
    """Close a campaign whose lines are all decided; it is frozen from then on.

    ``closed_on`` defaults to today and may not come before the last decision.
    """
    closed_on = closed_on or timezone.localdate()
    with transaction.atomic():
        _close(_lock(campaign), closed_on, actor)
    campaign.refresh_from_db()
    logger.info(
        "review %s closed in organisation %s", campaign.pk, campaign.organisation_id
    )
    return campaign


def _close(campaign: ReviewCampaign, closed_on: datetime.date, actor: Any) -> None:
    _check_open(campaign)
    _check_closing_date(campaign, closed_on)
    open_lines = campaign.lines.filter(decision="").count()
    if open_lines:
        raise ValidationError(
            ngettext(
                "%(count)d line of review %(name)s is still open; decide it "
                "before closing the review.",
                "%(count)d lines of review %(name)s are still open; decide "
                "them before closing the review.",
                open_lines,
            )
            % {"count": open_lines, "name": campaign.name}
        )
    campaign.status = ReviewCampaign.Status.CLOSED
    campaign.closed_on = closed_on
    campaign.closed_by = _actor_user(actor)
    campaign.save(update_fields=["status", "closed_on", "closed_by"])
    outcome = result(campaign)
    audit(
        "authorisation.review_closed",
        actor=actor,
        target=campaign,
        organisation=campaign.organisation,
        new={
            "closed_on": campaign.closed_on,
            "confirmed": outcome.confirmed,
            "changed": outcome.changed,
            "revoked": outcome.revoked,
        },
    )


def _check_closing_date(campaign: ReviewCampaign, closed_on: datetime.date) -> None:
    last = campaign.lines.exclude(decided_on=None).order_by("-decided_on").first()
    earliest = last.decided_on if last and last.decided_on else campaign.started_on
    if closed_on < earliest:
        raise ValidationError(
            _(
                "The closing date %(day)s is before the last decision or the "
                "start (%(earliest)s); enter %(earliest)s or later."
            )
            % {"day": closed_on.isoformat(), "earliest": earliest.isoformat()}
        )


def result(campaign: ReviewCampaign) -> ReviewResult:
    lines = list(campaign.lines.select_related("decided_by").order_by("id"))
    count = {choice.value: 0 for choice in Decision}
    for line in lines:
        count[line.decision] += 1
    return ReviewResult(
        campaign=campaign,
        total=len(lines),
        open=count[Decision.OPEN],
        confirmed=count[Decision.CONFIRMED],
        changed=count[Decision.CHANGED],
        revoked=count[Decision.REVOKED],
        lines=lines,
    )
