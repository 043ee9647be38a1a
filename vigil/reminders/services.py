"""Calendar feeds and the weekly digest of what falls due."""

import datetime
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vigil.accesslog.models import VerificationRun
from vigil.accesslog.verification_alert import FAILURE_NEXT_STEP, latest_failure
from vigil.accounts.models import Membership, User
from vigil.accounts.roles import Capability, Role
from vigil.audit.services import record
from vigil.organisations.deadlines import DueItem, collect
from vigil.organisations.models import Organisation
from vigil.organisations.tenancy import Tenant
from vigil.reminders.models import CalendarFeed

logger = logging.getLogger(__name__)

FEED_MARKER = "vgc_"
DIGEST_DAYS = 30
DIGEST_ROLES = (Role.CONSULTANT, Role.DEPUTY)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_feed(user: User) -> tuple[CalendarFeed, str]:
    """Give the user a new feed address, revoking the old one; return the secret."""
    for feed in CalendarFeed.objects.select_for_update().filter(
        user=user, revoked_at__isnull=True
    ):
        _revoke(feed, user)
    secret = FEED_MARKER + secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(user=user, secret_hash=_hash(secret))
    record("reminders.feed_created", actor=user, target=feed, object_label=str(user))
    return feed, secret


@transaction.atomic
def revoke_feed(user: User) -> bool:
    """Revoke the user's feed; return whether there was one."""
    feeds = list(
        CalendarFeed.objects.select_for_update().filter(
            user=user, revoked_at__isnull=True
        )
    )
    for feed in feeds:
        _revoke(feed, user)
    return bool(feeds)


def _revoke(feed: CalendarFeed, actor: User) -> None:
    feed.revoked_at = timezone.now()
    feed.save(update_fields=["revoked_at"])
    record("reminders.feed_revoked", actor=actor, target=feed, object_label=str(actor))


def live_feed(user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


def feed_for_secret(secret: str) -> CalendarFeed | None:
    """Return the live feed of a secret, comparing digests in constant time."""
    if not secret.startswith(FEED_MARKER):
        return None
    digest = _hash(secret)
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(secret_hash=digest, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if feed is None or not hmac.compare_digest(feed.secret_hash, digest):
        return None
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    return feed


def centres_of(user: User) -> list[Organisation]:
    """Return the centres where the user has an active role, by name."""
    memberships = (
        Membership.objects.active()
        .filter(user=user, organisation__kind=Organisation.Kind.CENTRE)
        .select_related("organisation")
    )
    return sorted(
        {membership.organisation for membership in memberships},
        key=lambda organisation: organisation.name,
    )


def user_items(user: User, today: datetime.date) -> list[tuple[Organisation, DueItem]]:
    """Return every deadline of the user's centres, earliest first."""
    entries = [
        (organisation, item)
        for organisation in centres_of(user)
        for item in collect(organisation, today)
    ]
    return sorted(entries, key=lambda entry: (entry[1], entry[0].name))


@dataclass(frozen=True)
class Digest:
    """One e-mail: a recipient and the deadlines of one centre.

    ``failed_verification`` is the centre's latest verification run of the
    access log if it failed and the recipient may read that log.
    """

    user: User
    organisation: Organisation
    overdue: list[DueItem]
    coming: list[DueItem]
    failed_verification: VerificationRun | None = None


def digests(
    today: datetime.date, *, organisation: Organisation | None = None
) -> list[Digest]:
    """Return the digests to send: per consultant or deputy, per centre.

    A recipient gets one when something is overdue or falls due within
    ``DIGEST_DAYS`` days, or when the access log failed its latest
    verification and the recipient may read that log.
    """
    horizon = today + datetime.timedelta(days=DIGEST_DAYS)
    memberships = (
        Membership.objects.active()
        .filter(role__in=DIGEST_ROLES, user__is_active=True)
        .filter(organisation__kind=Organisation.Kind.CENTRE)
        .select_related("organisation", "user")
        .order_by("organisation__slug", "user__email")
    )
    if organisation is not None:
        memberships = memberships.filter(organisation=organisation)
    found = []
    cache: dict[int, list[DueItem]] = {}
    failures: dict[int, VerificationRun | None] = {}
    for membership in memberships:
        centre = membership.organisation
        tenant = Tenant(organisation=centre, membership=membership)
        if centre.pk not in cache:
            cache[centre.pk] = collect(centre, today)
            failures[centre.pk] = latest_failure(tenant)
        items = cache[centre.pk]
        overdue = [item for item in items if item.is_overdue(today)]
        coming = [item for item in items if today <= item.date <= horizon]
        failed = None
        if tenant.grants(Capability.VIEW_ACCESS_LOG):
            failed = failures[centre.pk]
        if overdue or coming or failed:
            found.append(Digest(membership.user, centre, overdue, coming, failed))
    return found


def send_digest(
    digest: Digest, *, base_url: str, language: str = "", actor: Any = None
) -> None:
    """Send one digest in ``language`` (default: the site's); note it in the trail."""
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {
            "digest": digest,
            "base_url": base_url,
            "days": DIGEST_DAYS,
            "next_step": FAILURE_NEXT_STEP,
        }
        if digest.failed_verification is None:
            subject = _("Vigil: what falls due for %(centre)s")
        else:
            subject = _(
                "Vigil: the verification of the access log of %(centre)s failed"
            )
        subject = subject % {"centre": digest.organisation.name}
        body = render_to_string("reminders/digest.txt", context)
    send_mail(subject, body, None, [digest.user.email])
    record(
        "reminders.digest_sent",
        actor=actor,
        organisation=digest.organisation,
        object_type="reminders.digest",
        object_label=digest.user.email,
        new={
            "overdue": len(digest.overdue),
            "coming": len(digest.coming),
            "failed_verification": digest.failed_verification is not None,
        },
    )
    logger.info(
        "reminder digest sent to %s for %s (%d overdue, %d coming, "
        "failed verification: %s)",
        digest.user.email,
        digest.organisation.slug,
        len(digest.overdue),
        len(digest.coming),
        "yes" if digest.failed_verification else "no",
    )
