"""The authorisation table, described for the generic register pages."""

import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from vigil.accesslog.models import IdentityPeriod
from vigil.labels import labelled
from vigil.organisations.models import Organisation
from vigil.registers.authorisations.models import Authorisation, ReviewCampaign
from vigil.registers.forms import DateInput, RegisterForm
from vigil.registers.spec import RegisterSpec, register

# A review of the authorisation table is expected at least this often; the
# register warns when no campaign closed within this many days.
REVIEW_INTERVAL_DAYS = 365

FIELDS = (
    "person_name",
    "function",
    "user_id",
    "application",
    "data_category",
    "access_level",
    "valid_from",
    "valid_until",
    "approved_by",
    "approved_on",
    "legal_basis",
    "note",
)


class AuthorisationForm(RegisterForm):
    """The authorisation's fields, with the end checked against the start."""

    class Meta:
        model = Authorisation
        fields = FIELDS
        widgets = {
            "valid_from": DateInput,
            "valid_until": DateInput,
            "approved_on": DateInput,
        }

    def clean_user_id(self) -> str:
        value: str = self.cleaned_data.get("user_id", "")
        if not value.isprintable():
            self.add_error(
                "user_id",
                _(
                    "%(value)r contains control characters; write the user id "
                    "exactly as in KSZ messages."
                )
                % {"value": value},
            )
        return value

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        start = cleaned.get("valid_from")
        end = cleaned.get("valid_until")
        if start is not None and end is not None and end < start:
            self.add_error(
                "valid_until",
                _(
                    "Valid until %(end)s is before valid from %(start)s; enter "
                    "a last day on or after the first day."
                )
                % {"end": end.isoformat(), "start": start.isoformat()},
            )
        return cleaned


def valid_on(organisation: Organisation, day: datetime.date) -> QuerySet[Authorisation]:
    """Return the authorisations of the centre that are valid on ``day``."""
    return Authorisation.objects.filter(
        organisation=organisation, valid_from__lte=day
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))


def last_closed_campaign(organisation: Organisation) -> ReviewCampaign | None:
    return (
        ReviewCampaign.objects.filter(
            organisation=organisation, status=ReviewCampaign.Status.CLOSED
        )
        .order_by("-closed_on", "-id")
        .first()
    )


def _example(_organisation: Organisation) -> dict[str, str]:
    return {
        "person_name": "An Peeters",
        "function": "maatschappelijk werker",
        "user_id": "U123456",
        "application": "Sociaal dossier",
        "data_category": Authorisation.DataCategory.SOCIAL_FILE,
        "access_level": Authorisation.AccessLevel.WRITE,
        "valid_from": "2026-01-05",
        "valid_until": "",
        "approved_by": "Algemeen directeur",
        "approved_on": "2025-12-18",
        "legal_basis": "Organieke wet van 8 juli 1976, art. 60: sociaal onderzoek",
        "note": "",
    }


def _summary(organisation: Organisation) -> list[str]:
    today = timezone.localdate()
    current = valid_on(organisation, today)
    counts = dict(
        current.values_list("access_level")
        .annotate(n=Count("id"))
        .values_list("access_level", "n")
    )
    labels = dict(Authorisation.AccessLevel.choices)
    parts = [
        labelled(labels[level], counts[level])
        for level in Authorisation.AccessLevel
        if level in counts
    ]
    total = sum(counts.values())
    lines = [
        ngettext(
            "%(count)d authorisation valid today.",
            "%(count)d authorisations valid today.",
            total,
        )
        % {"count": total}
        + (" " + ", ".join(parts) if parts else "")
    ]
    last = last_closed_campaign(organisation)
    if last is not None and last.closed_on is not None:
        lines.append(
            _("Last review closed on %(day)s: %(name)s.")
            % {"day": last.closed_on.isoformat(), "name": last.name}
        )
    return lines


def _warnings(organisation: Organisation) -> list[str]:
    return [
        *_review_warnings(organisation),
        *_identity_warnings(organisation),
    ]


def _review_warnings(organisation: Organisation) -> list[str]:
    today = timezone.localdate()
    since = today - datetime.timedelta(days=REVIEW_INTERVAL_DAYS)
    warnings = []
    last = last_closed_campaign(organisation)
    if last is None or last.closed_on is None or last.closed_on < since:
        warnings.append(
            _(
                "No review of the authorisations closed in the last %(days)d "
                "days (norms 4.4.1 and 4.6.1.1); start a review campaign."
            )
            % {"days": REVIEW_INTERVAL_DAYS}
        )
    overdue = ReviewCampaign.objects.filter(
        organisation=organisation,
        status=ReviewCampaign.Status.OPEN,
        due_by__lt=today,
    ).order_by("due_by")
    for campaign in overdue:
        warnings.append(
            _("Review %(name)s was due by %(day)s and is still open.")
            % {"name": campaign.name, "day": campaign.due_by.isoformat()}
        )
    return warnings


def _identity_warnings(organisation: Organisation) -> list[str]:
    now = timezone.now()
    covered = (
        IdentityPeriod.objects.filter(organisation=organisation, valid_from__lte=now)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        .values("user_id")
    )
    uncovered = (
        valid_on(organisation, timezone.localdate())
        .exclude(user_id="")
        .exclude(user_id__in=covered)
    )
    missing = sorted(set(uncovered.values_list("user_id", "person_name")))
    return [
        _(
            "User id %(user_id)s (%(person)s) has no identity period covering "
            "today in the access log's identity register; add one or correct "
            "the user id."
        )
        % {"user_id": user_id, "person": person}
        for user_id, person in missing
    ]


AUTHORISATIONS = RegisterSpec(
    slug="authorisations",
    model=Authorisation,
    title=gettext_lazy("Authorisation table"),
    description=gettext_lazy(
        "Who may use which application or data category, at which access "
        "level, from when until when, approved by whom and on which legal "
        "basis."
    ),
    group=gettext_lazy("Access"),
    fields=FIELDS,
    columns=(
        "person_name",
        "function",
        "application",
        "data_category",
        "access_level",
        "valid_from",
        "valid_until",
    ),
    catalog_keys=("authorisations",),
    example=_example,
    search=("person_name", "function", "user_id", "application", "legal_basis"),
    filters=("data_category", "access_level"),
    ordering=("person_name", "application", "id"),
    form=AuthorisationForm,
    summary=_summary,
    warnings=_warnings,
    detail_template="authorisations/_authorisation.html",
)


def connect() -> None:
    register(AUTHORISATIONS)
