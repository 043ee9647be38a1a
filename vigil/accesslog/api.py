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
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
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
# A function that builds a message in the active language.
type MessageBuilder = Callable[[], str]

PARSERS: dict[str, Parser] = {
    "application/json": parse_json_array,
    NDJSON: parse_json_lines,
}


class ApiError(Exception):
    """A request failure that becomes a JSON error response.

    ``message`` builds the text in the active language when it is called, so
    that the response gives it in the request's language and the server log
    in English.
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: MessageBuilder,
        *,
        errors: list[dict[str, Any]] | None = None,
        error_count: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors
        self.error_count = error_count
        self.headers = headers or {}

    def english_message(self) -> str:
        """Build the message in English, as the server log writes it."""
        with translation.override("en"):
            return self.message()

    def body(self) -> dict[str, Any]:
        """Build the JSON object of the response, with the message built now."""
        body: dict[str, Any] = {"error": self.code, "message": self.message()}
        if self.errors is not None:
            body["errors"] = self.errors
            body["error_count"] = (
                len(self.errors) if self.error_count is None else self.error_count
            )
        return body

    def response(self) -> JsonResponse:
        """Return the JSON response, with a Content-Language of its text.

        The ``message`` and the reasons in ``errors`` are in the active
        language, which LocaleMiddleware takes from the request's
        Accept-Language header.
        """
        response = JsonResponse(self.body(), status=self.status)
        response["Content-Language"] = (
            translation.get_language() or settings.LANGUAGE_CODE
        )
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
                lambda: (
                    _("%(method)s is not allowed here, use POST")
                    % {"method": request.method}
                ),
                headers={"Allow": "POST"},
            )
        token = _authenticate(request)
        records, unit = _parse(request, token)
        return JsonResponse(_ingest(token, records, unit))
    except ApiError as error:
        if error.status not in _LOGGED_WHERE_RAISED:
            log_rejection(logger, request, error, api="Access-log API")
        return error.response()


def log_rejection(
    log: logging.Logger,
    request: HttpRequest,
    error: ApiError,
    *,
    api: str,
    ids: str = "",
    details: str = "",
) -> None:
    """Log a rejected API request as one warning, with its message in English.

    The line gives the client's address, ``ids`` (such as the centre and the
    token's display prefix), the status, the error code, the message and
    ``details``. None of them may contain a secret or a national number.
    """
    log.warning(
        "%s request from %s%s rejected with %d %s: %s",
        api,
        request.META.get("REMOTE_ADDR", "?"),
        f" {ids}" if ids else "",
        error.status,
        error.code,
        f"{error.english_message()} {details}" if details else error.english_message(),
    )


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
        scope = {
            "prefix": other.prefix,
            "scope": other.scope,
            "needed": ApiToken.Scope.INGEST.value,
        }
        raise ApiError(
            403,
            "insufficient_scope",
            lambda: (
                _(
                    "The bearer token %(prefix)s has the scope '%(scope)s', and this "
                    "endpoint needs the scope '%(needed)s'. Send an ingestion token of "
                    "the organisation, which 'vigil accesslog_token create --org SLUG "
                    "NAME' creates."
                )
                % scope
            ),
        )
    scheme = (header or "").strip().partition(" ")[0]
    if scheme and scheme.lower() != "bearer":
        _reject_other_scheme(request, scheme)
    logger.warning(
        "Access-log API request from %s rejected: bearer token %s",
        request.META.get("REMOTE_ADDR", "?"),
        "missing" if not header else "invalid or revoked",
    )
    raise ApiError(
        401,
        "unauthorized",
        _missing_token_message if not header else _invalid_token_message,
        headers={"WWW-Authenticate": 'Bearer realm="vigil"'},
    )


def _missing_token_message() -> str:
    return _joined(_("The bearer token is missing."), _send_bearer_token())


def _invalid_token_message() -> str:
    return _joined(_("The bearer token is invalid or revoked."), _send_bearer_token())


def _send_bearer_token() -> str:
    return _(
        "Send 'Authorization: Bearer <token>' with a live ingestion token of the "
        "organisation."
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
        lambda: _joined(
            _(
                "The Authorization header uses the scheme '%(scheme)s', and this "
                "endpoint accepts only the Bearer scheme with an API token."
            )
            % {"scheme": scheme},
            _send_bearer_token(),
        ),
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
        shown_type = repr(request.content_type)
        raise ApiError(
            415,
            "unsupported_media_type",
            lambda: (
                _(
                    "Content type %(type)s is not supported, send application/json "
                    "(an array of events) or %(ndjson)s (one per line)."
                )
                % {"type": shown_type, "ndjson": NDJSON}
            ),
        )
    charset = (request.content_params or {}).get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise ApiError(
            415,
            "unsupported_media_type",
            lambda: (
                _(
                    "charset %(charset)s is not supported. Encode the body in UTF-8 "
                    "and send 'Content-Type: %(type)s; charset=utf-8' or no charset."
                )
                % {"charset": repr(charset), "type": content_type}
            ),
        )
    text = _read_text(request)
    unit: PositionUnit = "line" if content_type == NDJSON else "record"
    try:
        return parser(text), unit
    except ParseError as error:
        parse_errors = error.tally.mapped(
            lambda line, reason: EventError(line, "", "", reason)
        )
        tally = parse_errors.merged(_record_tally(token, error, unit))
        lacks_line_breaks = _lacks_line_breaks(content_type, text)

        raise ApiError(
            400,
            "invalid_json",
            lambda: _joined(
                _invalid_body_sentence(content_type),
                _hidden_errors(tally),
                _line_break_hint() if lacks_line_breaks else "",
            ),
            errors=[_error_item(item) for _line, item in tally.listed],
            error_count=tally.total,
        ) from error


def _invalid_body_sentence(content_type: str) -> str:
    if content_type == NDJSON:
        return _(
            "The body is not one JSON event object per line, so nothing was "
            "stored. The errors say where and why."
        )
    return _(
        "The body is not a JSON array of event objects, so nothing was stored. "
        "The errors say where and why."
    )


def _line_break_hint() -> str:
    return _(
        "The body has no line breaks, so it has one line. If you send a file "
        "with curl, use --data-binary @FILE: --data removes the line breaks."
    )


def _lacks_line_breaks(content_type: str, text: str) -> bool:
    """Tell whether a JSON lines body needs the hint about its line breaks.

    ``curl --data @FILE`` removes the line breaks of the file, which leaves
    all events on one line. The hint is given only when that line starts
    with a whole JSON value that more text follows, because a single event
    with an error of its own is a line too.
    """
    line = text.strip().removeprefix("\ufeff")
    if content_type != NDJSON or "\n" in line or "\r" in line:
        return False
    try:
        _value, end = json.JSONDecoder().raw_decode(line)
    except (ValueError, RecursionError):
        return False
    return end != len(line)


def _read_text(request: HttpRequest) -> str:
    limit = max_body_bytes()
    declared = content_length(request)
    if declared is not None and declared > limit:
        raise _too_large(limit, declared)
    data = request.read(limit + 1)
    if len(data) > limit:
        raise _too_large(limit, declared)
    if not data and _chunked(request):
        raise ApiError(
            411,
            "length_required",
            lambda: _(
                "The body was sent in chunks (Transfer-Encoding: chunked), and "
                "this server received none of it, so nothing was stored. Send "
                "the batch with a Content-Length header instead."
            ),
        )
    if not data.strip():
        raise ApiError(400, "empty_body", lambda: _("The body contains no events."))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ApiError(
            400, "invalid_encoding", invalid_utf8_message(data, error)
        ) from error


def invalid_utf8_message(data: bytes, error: UnicodeDecodeError) -> MessageBuilder:
    """Return the builder of the message for a body that is not UTF-8."""
    values = {"position": error.start, "byte": f"{data[error.start]:#04x}"}
    return lambda: (
        _(
            "The body is not valid UTF-8 at byte %(position)d (%(byte)s), so "
            "nothing was stored. Encode the body in UTF-8 and send it again."
        )
        % values
    )


def _chunked(request: HttpRequest) -> bool:
    """Tell whether the request declares a chunked body.

    Some WSGI servers, such as Django's development server, do not read such
    a body and pass an empty one on.
    """
    encoding = request.META.get("HTTP_TRANSFER_ENCODING", "")
    return isinstance(encoding, str) and "chunked" in encoding.lower()


def content_length(request: HttpRequest) -> int | None:
    """Return the body size that the Content-Length header gives, if valid."""
    value = request.META.get("CONTENT_LENGTH", "")
    if not isinstance(value, str) or not value.isdigit():
        return None
    return int(value)


def _too_large(limit: int, received: int | None) -> ApiError:
    return ApiError(
        413, "payload_too_large", lambda: too_large_message(limit, received)
    )


def too_large_message(limit: int, received: int | None) -> str:
    """Return the 413 message for a body over ``limit`` bytes.

    ``received`` is the size from the Content-Length header, or None when the
    request has none, such as a chunked body.
    """
    # The limit is rounded down and the size received up, so that a rounded
    # size never looks as if it were within the limit.
    limit_mib = _mebibytes(limit, math.floor)
    shown_limit = _shown_size(limit, limit_mib)
    batch_size = _shown_bytes(limit) if limit_mib is None else f"{limit_mib} MiB"
    if received is None or received <= limit:
        size = _("The body is larger than the limit of %(limit)s.") % {
            "limit": shown_limit
        }
    else:
        received_mib = None if limit_mib is None else _mebibytes(received, math.ceil)
        size = _("The body is %(size)s, larger than the limit of %(limit)s.") % {
            "size": _shown_size(received, received_mib),
            "limit": shown_limit,
        }
    split = _(
        "Split the batch into smaller batches of at most %(size)s and send them "
        "one by one."
    ) % {"size": batch_size}
    return f"{size} {split}"


def _shown_size(size: int, mebibytes: str | None) -> str:
    """Return ``size`` in bytes, with its size in MiB after it when given."""
    if mebibytes is None:
        return _shown_bytes(size)
    return f"{_shown_bytes(size)} ({mebibytes} MiB)"


def _shown_bytes(size: int) -> str:
    return ngettext("%(bytes)s byte", "%(bytes)s bytes", size) % {
        "bytes": formats.number_format(size, force_grouping=True)
    }


def _mebibytes(size: int, rounding: Callable[[float], int]) -> str | None:
    """Return ``size`` bytes in MiB with at most two decimals, or None below 0.01.

    ``rounding`` (math.floor or math.ceil) rounds to hundredths of a MiB. The
    number is written as the active language writes numbers.
    """
    hundredths = rounding(size * 100 / 1024**2)
    if hundredths == 0:
        return None
    # An exact Decimal quotient has no trailing zeros: 500 / 100 is 5.
    return formats.number_format(Decimal(hundredths) / 100, force_grouping=True)


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


def _joined(*sentences: str) -> str:
    """Join the sentences of a message, leaving out the empty ones."""
    return " ".join(sentence for sentence in sentences if sentence)


def _hidden_errors(tally: ErrorTally[str] | ErrorTally[EventError]) -> str:
    """Return the sentence with the number of errors that ``errors`` leaves out.

    Return "" when it lists them all.
    """
    if not tally.hidden:
        return ""
    return ngettext(
        "The first %(listed)s errors are listed in the field errors, and "
        "%(count)s more error was not listed.",
        "The first %(listed)s errors are listed in the field errors, and "
        "%(count)s more errors were not listed.",
        tally.hidden,
    ) % {
        "listed": formats.number_format(len(tally.listed), force_grouping=True),
        "count": formats.number_format(tally.hidden, force_grouping=True),
    }


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
        tally = rejected.tally
        raise ApiError(
            422,
            "batch_rejected",
            lambda: _joined(
                _("The batch contains invalid events, so nothing was stored."),
                _hidden_errors(tally),
            ),
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
            lambda: _(
                "The database could not store the batch, so nothing was stored. "
                "Send it again later."
            ),
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
