"""The physical security registers, described for the generic register pages.

Four registers serve catalog key ``sites`` (norms 4.3.1 to 4.3.3): the key
register, the access rules, the alarm and fire measures and the server room
checks. Each names its site by the site's name in files.
"""

import datetime

from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigil.organisations.models import Organisation
from vigil.registers.dates import iso_date
from vigil.registers.sites.models import (
    AccessRule,
    KeyIssue,
    SafetyMeasure,
    ServerRoomCheck,
)
from vigil.registers.spec import RegisterSpec, register

GROUP = gettext_lazy("Physical security")
CATALOG_KEYS = ("sites",)
SITE_LOOKUP = {"site": "name"}
DEFAULT_MASTER_KEY_MAX_HOLDERS = 3
SERVER_ROOM_CHECK_DAYS = 365


def master_key_max_holders() -> int:
    """Return the number of holders a master key may have before a warning.

    The setting ``VIGIL_MASTER_KEY_MAX_HOLDERS`` changes the default of 3.
    """
    return int(
        getattr(
            settings, "VIGIL_MASTER_KEY_MAX_HOLDERS", DEFAULT_MASTER_KEY_MAX_HOLDERS
        )
    )


def _first_site(organisation: Organisation) -> str:
    site = organisation.sites.order_by("name").first()
    return site.name if site is not None else ""


def key_warnings(organisation: Organisation, limit: int | None = None) -> list[str]:
    """Warn on master keys whose unreturned copies have more holders than the limit."""
    maximum = master_key_max_holders() if limit is None else limit
    crowded = (
        KeyIssue.objects.filter(
            organisation=organisation,
            kind=KeyIssue.Kind.MASTER_KEY,
            returned_on__isnull=True,
        )
        .values("site__name", "identifier")
        .annotate(holders=Count("holder", distinct=True))
        .filter(holders__gt=maximum)
        .order_by("site__name", "identifier")
    )
    return [
        _(
            "Master key %(key)s at %(site)s has %(count)d holders, more than "
            "%(max)d; take back copies that are not needed (norm 4.3.1)."
        )
        % {
            "key": row["identifier"],
            "site": row["site__name"],
            "count": row["holders"],
            "max": maximum,
        }
        for row in crowded
    ]


def measure_warnings(organisation: Organisation, today: datetime.date) -> list[str]:
    """Warn on measures whose next inspection date has passed."""
    overdue = SafetyMeasure.objects.filter(
        organisation=organisation, next_inspection__lt=today
    ).select_related("site")
    return [
        _(
            "The inspection of %(measure)s at %(site)s was due on %(date)s; have "
            "it inspected and record the new dates (norm 4.3.2)."
        )
        % {
            "measure": measure,
            "site": measure.site,
            "date": iso_date(measure.next_inspection),
        }
        for measure in overdue.order_by("next_inspection", "id")
    ]


def server_room_warnings(organisation: Organisation, today: datetime.date) -> list[str]:
    """Warn when no server room was checked in the last twelve months."""
    since = today - datetime.timedelta(days=SERVER_ROOM_CHECK_DAYS)
    checks = ServerRoomCheck.objects.filter(organisation=organisation)
    if checks.filter(date__gte=since).exists():
        return []
    last = checks.aggregate(last=Max("date"))["last"]
    if last is None:
        return [_("No server room check is recorded; check the server room.")]
    return [
        _(
            "No server room check in the last twelve months; the last one was "
            "on %(date)s."
        )
        % {"date": iso_date(last)}
    ]


def _key_summary(organisation: Organisation) -> list[str]:
    held = KeyIssue.objects.filter(organisation=organisation, returned_on__isnull=True)
    return [
        _("%(count)d keys, badges or codes issued and not returned.")
        % {"count": held.count()}
    ]


def _measure_summary(organisation: Organisation) -> list[str]:
    count = SafetyMeasure.objects.filter(organisation=organisation).count()
    return [_("%(count)d alarm and fire measures recorded.") % {"count": count}]


def _check_summary(organisation: Organisation) -> list[str]:
    last = ServerRoomCheck.objects.filter(organisation=organisation).first()
    if last is None:
        return [_("No server room check recorded.")]
    return [
        _("Last server room check: %(date)s, %(result)s.")
        % {"date": iso_date(last.date), "result": last.get_result_display()}
    ]


def _key_example(organisation: Organisation) -> dict[str, str]:
    return {
        "site": _first_site(organisation),
        "kind": KeyIssue.Kind.BADGE,
        "identifier": "B-0417",
        "zone": "Main entrance, social service",
        "holder": "Jan Peeters",
        "issued_on": "2026-02-02",
    }


def _rule_example(organisation: Organisation) -> dict[str, str]:
    return {
        "site": _first_site(organisation),
        "zone": "Server room",
        "who": "ICT staff and the security consultant",
        "when": "Working days 7:30 to 18:00",
        "means": "Personal badge and key from the reception",
        "outside_hours": "Only with the on-call ICT staff member, logged by the alarm",
    }


def _measure_example(organisation: Organisation) -> dict[str, str]:
    return {
        "site": _first_site(organisation),
        "kind": SafetyMeasure.Kind.FIRE_DETECTION,
        "location": "Server room, ground floor",
        "last_inspection": "2026-03-10",
        "next_inspection": "2027-03-10",
        "supplier": "Brandbeveiliging Vlaanderen",
    }


def _check_example(organisation: Organisation) -> dict[str, str]:
    return {
        "site": _first_site(organisation),
        "date": "2026-04-15",
        "checked_by": "Security consultant and head of ICT",
        "findings": "",
        "result": ServerRoomCheck.Result.OK,
    }


def _keys_warnings(organisation: Organisation) -> list[str]:
    return key_warnings(organisation)


def _measures_warnings(organisation: Organisation) -> list[str]:
    return measure_warnings(organisation, timezone.localdate())


def _checks_warnings(organisation: Organisation) -> list[str]:
    return server_room_warnings(organisation, timezone.localdate())


KEYS = RegisterSpec(
    slug="keys",
    model=KeyIssue,
    title=gettext_lazy("Key and badge register"),
    description=gettext_lazy(
        "Badges, keys, master keys and codes per site: what each opens, who "
        "holds it, when it was issued and returned."
    ),
    group=GROUP,
    fields=(
        "site",
        "kind",
        "identifier",
        "zone",
        "holder",
        "issued_on",
        "returned_on",
        "notes",
    ),
    columns=(
        "site",
        "kind",
        "identifier",
        "zone",
        "holder",
        "issued_on",
        "returned_on",
    ),
    catalog_keys=CATALOG_KEYS,
    example=_key_example,
    search=("identifier", "zone", "holder", "notes"),
    filters=("site", "kind"),
    ordering=("site__name", "identifier", "-issued_on", "-id"),
    lookups=SITE_LOOKUP,
    summary=_key_summary,
    warnings=_keys_warnings,
)

ACCESS_RULES = RegisterSpec(
    slug="access-rules",
    model=AccessRule,
    title=gettext_lazy("Access rules"),
    description=gettext_lazy(
        "Who may enter which zone of each site, when and how, during and "
        "outside working hours."
    ),
    group=GROUP,
    fields=("site", "zone", "who", "when", "means", "outside_hours", "notes"),
    columns=("site", "zone", "who", "when", "means"),
    catalog_keys=CATALOG_KEYS,
    example=_rule_example,
    search=("zone", "who", "when", "means", "outside_hours", "notes"),
    filters=("site",),
    ordering=("site__name", "zone", "id"),
    lookups=SITE_LOOKUP,
)

SAFETY_MEASURES = RegisterSpec(
    slug="safety-measures",
    model=SafetyMeasure,
    title=gettext_lazy("Alarm and fire measures"),
    description=gettext_lazy(
        "Intrusion alarms, fire detection, extinguishers, access control and "
        "cameras per site, with their inspections and supplier."
    ),
    group=GROUP,
    fields=(
        "site",
        "kind",
        "location",
        "last_inspection",
        "next_inspection",
        "supplier",
        "notes",
    ),
    columns=("site", "kind", "location", "last_inspection", "next_inspection"),
    catalog_keys=CATALOG_KEYS,
    example=_measure_example,
    search=("location", "supplier", "notes"),
    filters=("site", "kind"),
    ordering=("site__name", "kind", "location", "id"),
    lookups=SITE_LOOKUP,
    summary=_measure_summary,
    warnings=_measures_warnings,
)

SERVER_ROOM_CHECKS = RegisterSpec(
    slug="server-room-checks",
    model=ServerRoomCheck,
    title=gettext_lazy("Server room checks"),
    description=gettext_lazy(
        "Checks of the server rooms: who checked, what was found and the result."
    ),
    group=GROUP,
    fields=("site", "date", "checked_by", "findings", "result"),
    columns=("date", "site", "checked_by", "result"),
    catalog_keys=CATALOG_KEYS,
    example=_check_example,
    search=("checked_by", "findings"),
    filters=("site", "result"),
    ordering=("-date", "-id"),
    lookups=SITE_LOOKUP,
    summary=_check_summary,
    warnings=_checks_warnings,
)

SPECS = (KEYS, ACCESS_RULES, SAFETY_MEASURES, SERVER_ROOM_CHECKS)


def connect() -> None:
    for spec in SPECS:
        register(spec)
