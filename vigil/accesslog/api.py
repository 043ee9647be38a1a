"""REST ingestion of access events: ``POST /api/v1/accesslog/events``.

Plain Django views that return JSON. A program authenticates with a bearer
token of its organisation (see ``tokens``), sends a JSON array or JSON lines,
and gets the leaf index of every event once the batch is committed. The
OpenAPI 3.1 document in ``openapi`` describes the same contract.
"""

import json
import logging
import math
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from vigil.accesslog.error_tally import ErrorTally
from vigil.accesslog.events import (
    EventError,
    ParseError,
    PositionUnit,
    ReceivedRecords,
)
from vigil.accesslog.formats import parse_json_array, parse_json_lines
from vigil.accesslog.ingestion import (
    BatchRejected,
    ingest_events,
    rejected_batch_errors,
)
from vigil.accesslog.models import ApiToken
from vigil.accesslog.openapi import NDJSON
from vigil.accesslog.tokens import authenticate, identify_token

logger = logging.getLogger(__name__)

DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024
# Statuses whose cause is logged, with the token or organisation, where the
# ApiError is raised.
_LOGGED_WHERE_RAISED = frozenset({401, 403, 422, 503})
RETRY_AFTER_SECONDS = 30
# The form of a scheme that a message may show: an RFC 9110 token of at most
# 20 characters. Any other scheme is shown as "unknown".
_SCHEME_NAME = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]{1,20}")

type Parser = Callable[[str], ReceivedRecords]

PARSERS: dict[str, Parser] = {
    "application/json": parse_json_array,
    NDJSON: parse_json_lines,
}


class ApiError(Exception):
    """A request failure that becomes a JSON error response."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        error_count: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors
        self.error_count = error_count
        self.headers = headers or {}

    def response(self) -> JsonResponse:
        """Return the JSON response, with a Content-Language of its text.

        The ``message`` is English. The reasons in ``errors`` are in the
        request's language, as in the registers API, and the header names
        that language when they are present.
        """
        body: dict[str, Any] = {"error": self.code, "message": self.message}
        language = "en"
        if self.errors is not None:
            body["errors"] = self.errors
            body["error_count"] = (
                len(self.errors) if self.error_count is None else self.error_count
            )
            language = translation.get_language() or settings.LANGUAGE_CODE
        response = JsonResponse(body, status=self.status)
        response["Content-Language"] = language
        for name, value in self.headers.items():
            response[name] = value
        return response


def max_body_bytes() -> int:
    """Return the body size limit in bytes.

    The limit is the setting ``VIGIL_ACCESSLOG_API_MAX_BYTES`` where the
    settings define it, else 5 MiB.
    """
    value = getattr(settings, "VIGIL_ACCESSLOG_API_MAX_BYTES", DEFAULT_MAX_BODY_BYTES)
    return int(value)


@csrf_exempt
@never_cache
def ingest(request: HttpRequest) -> HttpResponse:
    """Authenticate, parse and ingest one batch of events."""
    try:
        if request.method != "POST":
            raise ApiError(
                405,
                "method_not_allowed",
                f"{request.method} is not allowed here, use POST",
                headers={"Allow": "POST"},
            )
        token = _authenticate(request)
        records, unit = _parse(request, token)
        return JsonResponse(_ingest(token, records, unit))
    except ApiError as error:
        if error.status not in _LOGGED_WHERE_RAISED:
            logger.warning(
                "Access-log API request from %s rejected with %d %s: %s",
                request.META.get("REMOTE_ADDR", "?"),
                error.status,
                error.code,
                error.message,
            )
        return error.response()


def _authenticate(request: HttpRequest) -> ApiToken:
    header = request.headers.get("Authorization")
    token = authenticate(header)
    if token is not None:
        return token
    other = identify_token(header)
    if other is not None:
        logger.warning(
            "Access-log API request from %s rejected: token %s has the scope %s",
            request.META.get("REMOTE_ADDR", "?"),
            other.prefix,
            other.scope,
        )
        raise ApiError(
            403,
            "insufficient_scope",
            f"The bearer token {other.prefix} has the scope '{other.scope}', and "
            f"this endpoint needs the scope '{ApiToken.Scope.INGEST.value}'. Send "
            "an ingestion token of the organisation, which 'vigil accesslog_token "
            "create --org SLUG NAME' creates.",
        )
    scheme = (header or "").strip().partition(" ")[0]
    if scheme and scheme.lower() != "bearer":
        _reject_other_scheme(request, scheme)
    reason = "missing" if not header else "invalid or revoked"
    logger.warning(
        "Access-log API request from %s rejected: bearer token %s",
        request.META.get("REMOTE_ADDR", "?"),
        reason,
    )
    raise ApiError(
        401,
        "unauthorized",
        f"The bearer token is {reason}. Send 'Authorization: Bearer <token>' "
        "with a live ingestion token of the organisation.",
        headers={"WWW-Authenticate": 'Bearer realm="vigil"'},
    )


def _reject_other_scheme(request: HttpRequest, scheme: str) -> None:
    """Raise 401 for an Authorization header of a scheme other than Bearer."""
    if not _SCHEME_NAME.fullmatch(scheme):
        scheme = "unknown"
    logger.warning(
        "Access-log API request from %s rejected: Authorization scheme %s "
        "instead of Bearer",
        request.META.get("REMOTE_ADDR", "?"),
        scheme,
    )
    raise ApiError(
        401,
        "unauthorized",
        f"The Authorization header uses the scheme '{scheme}', and this endpoint "
        "accepts only the Bearer scheme with an API token. Send 'Authorization: "
        "Bearer <token>' with a live ingestion token of the organisation.",
        headers={"WWW-Authenticate": 'Bearer realm="vigil"'},
    )


def _parse(
    request: HttpRequest, token: ApiToken
) -> tuple[ReceivedRecords, PositionUnit]:
    """Return the body's records and what their numbers count.

    For a body of JSON lines with lines that are not event objects, the
    error lists the errors of the other lines' events with those of the
    lines, as file ingestion does, so that one request shows them all.
    """
    content_type = request.content_type or ""
    parser = PARSERS.get(content_type)
    if parser is None:
        raise ApiError(
            415,
            "unsupported_media_type",
            f"Content type {request.content_type!r} is not supported, send "
            f"application/json (an array of events) or {NDJSON} (one per line).",
        )
    charset = (request.content_params or {}).get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise ApiError(
            415,
            "unsupported_media_type",
            f"charset {charset!r} is not supported. Encode the body in UTF-8 and "
            f"send 'Content-Type: {content_type}; charset=utf-8' or no charset.",
        )
    text = _read_text(request)
    unit: PositionUnit = "line" if content_type == NDJSON else "record"
    try:
        return parser(text), unit
    except ParseError as error:
        expected = (
            "one JSON event object per line"
            if content_type == NDJSON
            else "a JSON array of event objects"
        )
        parse_errors = error.tally.mapped(
            lambda line, reason: EventError(line, "", "", reason)
        )
        tally = parse_errors.merged(_record_tally(token, error, unit))
        hint = _line_break_hint(content_type, text)
        raise ApiError(
            400,
            "invalid_json",
            f"The body is not {expected}, so nothing was stored. The errors say "
            f"where and why.{_hidden_errors(tally)}{hint}",
            errors=[_error_item(item) for _line, item in tally.listed],
            error_count=tally.total,
        ) from error


def _line_break_hint(content_type: str, text: str) -> str:
    """Return the hint for JSON lines without line breaks, or "".

    ``curl --data @FILE`` removes the line breaks of the file, which leaves
    all events on one line. The hint is given only when that line starts
    with a whole JSON value that more text follows, because a single event
    with an error of its own is a line too.
    """
    line = text.strip().removeprefix("\ufeff")
    if content_type != NDJSON or "\n" in line or "\r" in line:
        return ""
    try:
        _value, end = json.JSONDecoder().raw_decode(line)
    except (ValueError, RecursionError):
        return ""
    if end == len(line):
        return ""
    return (
        " The body has no line breaks, so it has one line. If you send a file "
        "with curl, use --data-binary @FILE: --data removes the line breaks."
    )


def _read_text(request: HttpRequest) -> str:
    limit = max_body_bytes()
    declared = _content_length(request)
    if declared is not None and declared > limit:
        raise ApiError(413, "payload_too_large", too_large_message(limit, declared))
    data = request.read(limit + 1)
    if len(data) > limit:
        raise ApiError(413, "payload_too_large", too_large_message(limit, declared))
    if not data and _chunked(request):
        raise ApiError(
            411,
            "length_required",
            "The body was sent in chunks (Transfer-Encoding: chunked), and this "
            "server received none of it, so nothing was stored. Send the batch "
            "with a Content-Length header instead.",
        )
    if not data.strip():
        raise ApiError(400, "empty_body", "The body contains no events.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ApiError(
            400,
            "invalid_encoding",
            f"The body is not valid UTF-8 at byte {error.start} "
            f"({data[error.start]:#04x}), so nothing was stored. Encode the body "
            "in UTF-8 and send it again.",
        ) from error


def _chunked(request: HttpRequest) -> bool:
    """Tell whether the request declares a chunked body.

    Some WSGI servers, such as Django's development server, do not read such
    a body and pass an empty one on.
    """
    encoding = request.META.get("HTTP_TRANSFER_ENCODING", "")
    return isinstance(encoding, str) and "chunked" in encoding.lower()


def _content_length(request: HttpRequest) -> int | None:
    """Return the body size that the Content-Length header gives, if valid."""
    value = request.META.get("CONTENT_LENGTH", "")
    if not isinstance(value, str) or not value.isdigit():
        return None
    return int(value)


def too_large_message(limit: int, received: int | None) -> str:
    """Return the 413 message for a body over ``limit`` bytes.

    ``received`` is the size from the Content-Length header, or None when the
    request has none, such as a chunked body.
    """
    # The limit is rounded down and the size received up, so that a rounded
    # size never looks as if it were within the limit.
    limit_mib = _mebibytes(limit, math.floor)
    shown_limit = f"{limit:,} bytes"
    batch_size = shown_limit
    if limit_mib is not None:
        shown_limit += f" ({limit_mib} MiB)"
        batch_size = f"{limit_mib} MiB"
    if received is None or received <= limit:
        size = f"The body is larger than the limit of {shown_limit}."
    else:
        shown_received = f"{received:,} bytes"
        if limit_mib is not None:
            shown_received += f" ({_mebibytes(received, math.ceil)} MiB)"
        size = f"The body is {shown_received}, larger than the limit of {shown_limit}."
    return (
        f"{size} Split the batch into smaller batches of at most {batch_size} "
        "and send them one by one."
    )


def _mebibytes(size: int, rounding: Callable[[float], int]) -> str | None:
    """Return ``size`` bytes in MiB with at most two decimals, or None below 0.01.

    ``rounding`` (math.floor or math.ceil) rounds to hundredths of a MiB.
    """
    hundredths = rounding(size * 100 / 1024**2)
    if hundredths == 0:
        return None
    return f"{hundredths / 100:,.2f}".rstrip("0").rstrip(".")


def _record_tally(
    token: ApiToken, error: ParseError, unit: PositionUnit
) -> ErrorTally[EventError]:
    """Return the errors of the records that the body's format errors left."""
    if not error.records:
        return ErrorTally()
    return rejected_batch_errors(
        token.organisation, error.records, unit=unit, origin="program"
    )


def _error_item(error: EventError) -> dict[str, Any]:
    return {
        "line": error.line,
        "field": error.field,
        "value": error.value_shown,
        "reason": error.reason,
    }


def _hidden_errors(tally: ErrorTally[str] | ErrorTally[EventError]) -> str:
    """Return the sentence with the number of errors that ``errors`` leaves out.

    Return "" when it lists them all.
    """
    if not tally.hidden:
        return ""
    not_listed = "error was" if tally.hidden == 1 else "errors were"
    return (
        f" The first {len(tally.listed):,} errors are listed in the field errors, "
        f"and {tally.hidden:,} more {not_listed} not listed."
    )


def _ingest(
    token: ApiToken, records: ReceivedRecords, unit: PositionUnit
) -> dict[str, Any]:
    organisation = token.organisation
    try:
        result = ingest_events(
            organisation,
            records,
            source=f"api:{token.prefix}",
            unit=unit,
            origin="program",
        )
    except BatchRejected as rejected:
        errors = [_error_item(error) for error in rejected.errors]
        logger.warning(
            "Access-log batch of %d events for %s rejected via token %s: "
            "%d invalid events with %d errors",
            len(records),
            organisation.slug,
            token.prefix,
            rejected.tally.lines,
            rejected.tally.total,
        )
        raise ApiError(
            422,
            "batch_rejected",
            "The batch contains invalid events, so nothing was stored."
            + _hidden_errors(rejected.tally),
            errors=errors,
            error_count=rejected.tally.total,
        ) from rejected
    except DatabaseError as failure:
        # ingest_events runs in one transaction, so a failure stored nothing.
        logger.exception(
            "Access-log batch of %d events for %s via token %s failed",
            len(records),
            organisation.slug,
            token.prefix,
        )
        raise ApiError(
            503,
            "unavailable",
            "The database could not store the batch, so nothing was stored. "
            "Send it again later.",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        ) from failure
    logger.info(
        "Access-log batch for %s via token %s: %d accepted, %d duplicates, "
        "tree size %d",
        organisation.slug,
        token.prefix,
        len(result.accepted),
        len(result.duplicates),
        result.tree_size,
    )
    return {
        "accepted": [_reference(item) for item in result.accepted],
        "duplicates": [_reference(item) for item in result.duplicates],
        "tree_size": result.tree_size,
        "checkpoint": result.checkpoint_note,
    }


def _reference(item: tuple[int, str, int]) -> dict[str, Any]:
    line, event_id, index = item
    return {"line": line, "event_id": event_id, "index": index}
