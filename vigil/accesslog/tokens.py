"""API tokens with which programs ingest one organisation's access events.

A token reads ``vgl_`` followed by 43 URL-safe characters (256 random bits).
Only its SHA-256 digest is stored, together with its first 12 characters as
the display prefix, so the secret is shown once, at creation, and never again.
"""

import hashlib
import hmac
import logging
import secrets
import unicodedata
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.accesslog.models import ApiToken
from vigil.audit.services import record
from vigil.organisations.models import Organisation

logger = logging.getLogger(__name__)

TOKEN_MARKER = "vgl_"  # noqa: S105 (a fixed marker, not a secret)
PREFIX_LENGTH = 12
_RANDOM_BYTES = 32
_CREATE_ATTEMPTS = 5


def hash_secret(secret: str) -> str:
    """Return the hex SHA-256 digest under which a token secret is stored."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _new_secret() -> str:
    return TOKEN_MARKER + secrets.token_urlsafe(_RANDOM_BYTES)


def create_token(
    organisation: Organisation,
    name: str,
    *,
    actor: Any,
    scope: str = ApiToken.Scope.INGEST,
) -> tuple[ApiToken, str]:
    """Create a token for ``organisation`` and return it with its secret.

    The caller shows the secret once: it cannot be recovered afterwards.
    Raises ValueError as ``checked_token_name`` does.
    """
    name = checked_token_name(name)
    for _attempt in range(_CREATE_ATTEMPTS):
        secret = _new_secret()
        try:
            token = _store_token(organisation, name, scope, secret, actor)
        except IntegrityError:
            # Two secrets with the same 12-character prefix: draw again.
            continue
        logger.info(
            "API token %s created for organisation %s", token.prefix, organisation.slug
        )
        return token, secret
    raise RuntimeError(f"no unique token prefix after {_CREATE_ATTEMPTS} attempts")


def checked_token_name(name: str) -> str:
    """Return ``name`` without surrounding spaces, as a token stores it.

    Raises ValueError, with a message in the active language, if the name
    is empty, longer than the column, or contains a control character, a
    line or paragraph separator, a format character or a lone surrogate. A
    tab or line break would split the name's row in ``vigil
    accesslog_token list``, whose columns are separated by tabs.
    """
    name = name.strip()
    if not name:
        raise ValueError(_("a token needs a name, e.g. the program that uses it"))
    limit = ApiToken._meta.get_field("name").max_length
    if limit is not None and len(name) > limit:
        raise ValueError(
            _(
                "the token name has %(length)d characters, more than the maximum "
                "of %(limit)d. Choose a shorter name"
            )
            % {"length": len(name), "limit": limit}
        )
    for position, character in enumerate(name, start=1):
        category = unicodedata.category(character)
        values = {"code": f"U+{ord(character):04X}", "position": position}
        if category == "Cc":
            raise ValueError(
                _(
                    "the token name contains the control character %(code)s at "
                    "position %(position)d. Write the name on one line, without "
                    "tabs or other control characters"
                )
                % values
            )
        if category == "Cf":
            # U+202E, for example, shows the rest of the name reversed.
            raise ValueError(
                _(
                    "the token name contains the invisible format character "
                    "%(code)s at position %(position)d, which changes how the "
                    "name is shown. Remove it"
                )
                % values
            )
        if category in ("Zl", "Zp"):
            # U+2028 and U+2029 end a line for str.splitlines and many viewers.
            raise ValueError(
                _(
                    "the token name contains the line or paragraph separator "
                    "%(code)s at position %(position)d. Write the name on one line"
                )
                % values
            )
        if category == "Cs":
            # Python decodes command-line bytes that are not UTF-8 to lone
            # surrogates, which no database can store.
            raise ValueError(
                _(
                    "the token name is not valid UTF-8: position %(position)d "
                    "holds the undecodable code point %(code)s. Write the name "
                    "in UTF-8"
                )
                % values
            )
    return name


@transaction.atomic
def _store_token(
    organisation: Organisation, name: str, scope: str, secret: str, actor: Any
) -> ApiToken:
    token = ApiToken.objects.create(
        organisation=organisation,
        name=name,
        prefix=secret[:PREFIX_LENGTH],
        token_hash=hash_secret(secret),
        scope=scope,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record(
        "accesslog.token_created",
        actor=actor,
        target=token,
        organisation=organisation,
        new={"name": name, "prefix": token.prefix, "scope": scope},
    )
    return token


def active_token_named(organisation: Organisation, name: str) -> ApiToken | None:
    """Return the organisation's unrevoked token named ``name``, if there is one.

    The name is compared after stripping spaces, as ``create_token`` stores it.
    """
    tokens = ApiToken.objects.filter(
        organisation=organisation, name=name.strip(), revoked_at__isnull=True
    )
    return tokens.order_by("created_at").first()


def revoke_token(token: ApiToken, *, actor: Any) -> ApiToken:
    """Revoke ``token`` so that it no longer authenticates.

    Revoking a revoked token changes nothing and writes no audit entry. The
    API tokens page and ``vigil accesslog_token revoke`` call
    ``revoke_active_token``, which also returns whether this call revoked it.
    """
    revoked, _changed = revoke_active_token(token, actor=actor)
    return revoked


@transaction.atomic
def revoke_active_token(token: ApiToken, *, actor: Any) -> tuple[ApiToken, bool]:
    """Revoke ``token`` and return it with whether this call revoked it.

    The row is locked first, so of two concurrent calls only one revokes the
    token and writes the audit entry, and the other returns False.
    """
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is not None:
        return locked, False
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    record(
        "accesslog.token_revoked",
        actor=actor,
        target=locked,
        organisation=locked.organisation,
        old={"revoked_at": None},
        new={"revoked_at": locked.revoked_at},
    )
    logger.info(
        "API token %s of organisation %s revoked",
        locked.prefix,
        locked.organisation.slug,
    )
    return locked, True


def parse_bearer(header: str | None) -> str | None:
    """Return the credentials of an ``Authorization: Bearer`` header, else None."""
    if not header:
        return None
    scheme, _space, credentials = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    credentials = credentials.strip()
    return credentials or None


def authenticate(
    header: str | None, *, scope: str = ApiToken.Scope.INGEST
) -> ApiToken | None:
    """Return the live token of an ``Authorization`` header value, else None.

    A token of another scope returns None as well, and ``identify_token``
    tells that case apart. On success the token's ``last_used_at`` is set
    to now.
    """
    match = identify_token(header)
    if match is None or match.scope != scope:
        return None
    mark_used(match)
    return match


def mark_used(token: ApiToken) -> None:
    """Set the token's ``last_used_at`` to now, in the database and on ``token``.

    Call it only once the token was accepted for the request, so that the
    token list does not show a use that was rejected.
    """
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now


def identify_token(header: str | None) -> ApiToken | None:
    """Return the live token of an ``Authorization`` header value, of any scope.

    The token is found by its display prefix, and the digest of the presented
    secret is compared with ``hmac.compare_digest``, so the comparison takes
    the same time wherever the digests differ. A revoked token and a
    malformed header return None.
    """
    secret = parse_bearer(header)
    if secret is None or not secret.startswith(TOKEN_MARKER):
        return None
    presented = hash_secret(secret)
    candidates = ApiToken.objects.select_related("organisation").filter(
        prefix=secret[:PREFIX_LENGTH]
    )
    match: ApiToken | None = None
    for candidate in candidates:
        if hmac.compare_digest(candidate.token_hash, presented):
            match = candidate
    if match is None or match.revoked_at is not None:
        return None
    return match
