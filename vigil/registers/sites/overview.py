"""Counts of the physical security registers per site."""

from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet

from vigil.organisations.models import Organisation
from vigil.registers.dates import iso_date
from vigil.registers.sites.models import (
    AccessRule,
    KeyIssue,
    SafetyMeasure,
    ServerRoomCheck,
)


@dataclass(frozen=True)
class SiteRow:
    name: str
    keys_held: int
    master_keys_held: int
    access_rules: int
    measures: int
    last_server_room_check: str


def site_rows(organisation: Organisation) -> list[SiteRow]:
    """Return one row per site of the centre, in name order."""
    held = Q(returned_on__isnull=True)
    keys: dict[int, tuple[int, int]] = {
        site: (held_count, master_count)
        for site, held_count, master_count in KeyIssue.objects.filter(
            organisation=organisation
        )
        .values("site")
        .annotate(
            held=Count("id", filter=held),
            master=Count("id", filter=held & Q(kind=KeyIssue.Kind.MASTER_KEY)),
        )
        .values_list("site", "held", "master")
    }
    rules = _counts(AccessRule.objects.filter(organisation=organisation))
    measures = _counts(SafetyMeasure.objects.filter(organisation=organisation))
    checks = dict(
        ServerRoomCheck.objects.filter(organisation=organisation)
        .values("site")
        .annotate(last=Max("date"))
        .values_list("site", "last")
    )
    return [
        SiteRow(
            name=site.name,
            keys_held=keys.get(site.pk, (0, 0))[0],
            master_keys_held=keys.get(site.pk, (0, 0))[1],
            access_rules=rules.get(site.pk, 0),
            measures=measures.get(site.pk, 0),
            last_server_room_check=iso_date(checks.get(site.pk)),
        )
        for site in organisation.sites.order_by("name")
    ]


def _counts(
    queryset: "QuerySet[AccessRule] | QuerySet[SafetyMeasure]",
) -> dict[int, int]:
    rows = queryset.values("site").annotate(n=Count("id")).values_list("site", "n")
    return dict(rows)
