"""The activities register, described for the generic register pages."""

import datetime

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigil.labels import labelled
from vigil.organisations.models import Organisation
from vigil.registers.activities.models import Activity
from vigil.registers.spec import RegisterSpec, register


def _example(_organisation: Organisation) -> dict[str, str]:
    return {
        "kind": Activity.Kind.TRAINING,
        "date": "2026-03-12",
        "subject": "Phishing awareness for the social service",
        "participants": "12 social workers",
        "status": Activity.Status.DONE,
        "hours": "2.5",
    }


def _summary(organisation: Organisation) -> list[str]:
    year = timezone.localdate().year
    counts = dict(
        Activity.objects.filter(organisation=organisation, date__year=year)
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    labels = dict(Activity.Kind.choices)
    parts = [
        labelled(labels[kind], counts[kind]) for kind in Activity.Kind if kind in counts
    ]
    if not parts:
        return [_("Nothing recorded for %(year)d yet.") % {"year": year}]
    return [labelled(_("In %(year)d") % {"year": year}, ", ".join(parts))]


def _warnings(organisation: Organisation) -> list[str]:
    since = timezone.localdate() - datetime.timedelta(days=365)
    meetings = Activity.objects.filter(
        organisation=organisation,
        kind=Activity.Kind.MEETING,
        status=Activity.Status.DONE,
        date__gte=since,
    )
    if meetings.exists():
        return []
    return [_("No consultation meeting in the last twelve months (norm 4.2.1.8).")]


ACTIVITIES = RegisterSpec(
    slug="activities",
    model=Activity,
    title=gettext_lazy("Activities, advices and trainings"),
    description=gettext_lazy(
        "Written advices and their follow-up, activities, controls, awareness "
        "campaigns, trainings and consultation meetings, as the annual report "
        "lists them."
    ),
    group=gettext_lazy("Consultant"),
    fields=(
        "kind",
        "date",
        "subject",
        "participants",
        "description",
        "result",
        "status",
        "hours",
    ),
    columns=("date", "kind", "subject", "participants", "status"),
    catalog_keys=("meetings", "procedures"),
    example=_example,
    search=("subject", "participants", "description", "result"),
    filters=("kind", "status"),
    ordering=("-date", "-id"),
    summary=_summary,
    warnings=_warnings,
)


def connect() -> None:
    register(ACTIVITIES)
