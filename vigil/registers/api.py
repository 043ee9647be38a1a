"""REST endpoints of the registers under ``/api/v1/centres/<org>/registers/``.

A program authenticates with a bearer token of the centre whose scope is
``registers`` (see ``vigil.accesslog.tokens``); a person's browser session
works too, with Django's CSRF check on every change. Records travel as JSON
objects with the spec's field names, foreign keys given by their lookup
value, as in the files. Errors come back as ``{"error", "message",
"errors"}`` with ``errors`` mapping each field to its messages. The messages
follow the request's Accept-Language header, as those of the access-log API
do, and the codes and field names stay the same in every language.
"""

import json
import logging
from typing import Any

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from vigil.accesslog import api as accesslog_api
from vigil.accesslog.json_errors import json_error_reason
from vigil.accesslog.models import ApiToken
from vigil.accesslog.tokens import identify_token, mark_used
from vigil.accounts.models import Membership
from vigil.accounts.roles import Capability
from vigil.organisations.models import Organisation
from vigil.registers import queries, services, wire
from vigil.registers.models import RegisterRecord
from vigil.registers.spec import REGISTERS, RegisterSpec, get_spec

logger = logging.getLogger(__name__)

PAGE_SIZE = 100
MAX_BODY_BYTES = 1024 * 1024
_SAFE = ("GET", "HEAD")


class ApiError(accesslog_api.ApiError):
    """A registers API failure, whose ``errors`` map each field to its messages.

    ``message`` builds the text in the active language when it is called, as
    for the access-log API.
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: accesslog_api.MessageBuilder,
        errors: dict[str, list[str]] | None = None,
        *,
        headers: dict[str, str] | None = None,
        token: ApiToken | None = None,
    ) -> None:
        if status == 401:
            headers = {**(headers or {}), "WWW-Authenticate": 'Bearer realm="vigil"'}
        super().__init__(status, code, message, headers=headers)
        self.field_errors = errors
        # The token that the request presented but that was rejected, for the
        # log line only.
        self.token = token

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.code, "message": self.message()}
        if self.field_errors is not None:
            body["errors"] = self.field_errors
        return body


class TokenActor:
    """A program acting with a token: named in the history by the token."""

    is_authenticated = False

    def __init__(self, token: ApiToken) -> None:
        self.audit_label = f"token {token.prefix}… ({token.name})"


class Caller:
    """Who calls: a centre's token or a member of the centre, and what they may do."""

    def __init__(
        self,
        organisation: Organisation,
        *,
        membership: Membership | None = None,
        token: ApiToken | None = None,
    ) -> None:
        self.organisation = organisation
        self.membership = membership
        self.token = token

    @property
    def actor(self) -> Any:
        if self.token is not None:
            return TokenActor(self.token)
        return self.membership.user if self.membership is not None else None

    def grants(self, capability: Capability) -> bool:
        if self.token is not None:
            return capability in (Capability.VIEW, Capability.EDIT_REGISTERS)
        return self.membership is not None and self.membership.grants(capability)


def _caller(request: HttpRequest, org: str) -> Caller:
    header = request.headers.get("Authorization")
    if header:
        token = _token(request, header, org)
        return Caller(token.organisation, token=token)
    if not request.user.is_authenticated:
        raise ApiError(
            401,
            "unauthorized",
            lambda: _(
                "Send 'Authorization: Bearer <token>' with a 'registers' token "
                "of the centre, or log in."
            ),
        )
    membership = (
        Membership.objects.active()
        .select_related("organisation", "user")
        .filter(user=request.user, organisation__slug=org)
        .first()
    )
    if membership is None:
        raise ApiError(404, "not_found", lambda: _("No such centre."))
    return Caller(membership.organisation, membership=membership)


def _token(request: HttpRequest, header: str, org: str) -> ApiToken:
    """Authenticate ``header`` as a live 'registers' token of centre ``org``.

    A live token of this centre with another scope raises 403 naming both
    scopes. Any other failure raises 401, so a revoked or unknown token, or a
    token of another centre, reveals no scope.
    """
    token = identify_token(header)
    if token is None or token.organisation.slug != org:
        raise ApiError(
            401,
            "unauthorized",
            lambda: _(
                "The bearer token is invalid, revoked, of another scope or of "
                "another centre. Use a live 'registers' token of this centre."
            ),
            token=token,
        )
    if token.scope != ApiToken.Scope.REGISTERS:
        needed = ApiToken.Scope.REGISTERS.value
        scope = {
            "prefix": token.prefix,
            "scope": token.scope,
            "needed": needed,
            "org": org,
        }
        raise ApiError(
            403,
            "insufficient_scope",
            lambda: (
                _(
                    "The bearer token %(prefix)s has the scope '%(scope)s', and "
                    "the registers API needs the scope '%(needed)s'. Send a "
                    "'%(needed)s' token of this centre, which 'vigil "
                    "accesslog_token create --org %(org)s --scope %(needed)s "
                    "NAME' creates."
                )
                % scope
            ),
            token=token,
        )
    # _require records the token's last use once it grants the capability
    # that the request needs.
    return token


def _require(caller: Caller, capability: Capability) -> None:
    """Raise 403 unless ``caller`` has ``capability``, else record a token's use.

    The last use is recorded only here, so the token list shows no request
    that was rejected for the token's centre, scope or capabilities.
    """
    if not caller.grants(capability):
        raise ApiError(
            403,
            "forbidden",
            lambda: (
                _("Your role in this centre lacks the capability %(capability)s.")
                % {"capability": capability.value}
            ),
        )
    if caller.token is not None:
        mark_used(caller.token)


def _spec(register: str) -> RegisterSpec:
    spec = get_spec(register)
    if spec is None:
        names = ", ".join(sorted(REGISTERS))
        raise ApiError(
            404,
            "not_found",
            lambda: (
                _("There is no register %(register)s. Use one of %(names)s.")
                % {"register": repr(register), "names": names}
            ),
        )
    return spec


def _body(request: HttpRequest) -> dict[str, Any]:
    if (request.content_type or "") != "application/json":
        shown_type = repr(request.content_type or "")
        raise ApiError(
            415,
            "unsupported_media_type",
            lambda: (
                _(
                    "Content type %(type)s is not supported. Send the record as "
                    "application/json."
                )
                % {"type": shown_type}
            ),
        )
    # The declared size is checked before the body is read, because reading
    # request.body raises RequestDataTooBig, an HTML 400, for a body over
    # DATA_UPLOAD_MAX_MEMORY_SIZE.
    declared = accesslog_api.content_length(request)
    if declared is not None and declared > MAX_BODY_BYTES:
        raise ApiError(413, "too_large", _too_large_message)
    data = request.read(MAX_BODY_BYTES + 1)
    if len(data) > MAX_BODY_BYTES:
        raise ApiError(413, "too_large", _too_large_message)
    try:
        body = json.loads(data)
    except UnicodeDecodeError as error:
        raise ApiError(
            400, "bad_json", accesslog_api.invalid_utf8_message(data, error)
        ) from None
    except (ValueError, RecursionError) as error:
        # Python deletes ``error`` when the except clause ends, so the message
        # function keeps the reason's error under another name.
        decode_error = error
        raise ApiError(
            400, "bad_json", lambda: _bad_json_message(decode_error)
        ) from None
    if not isinstance(body, dict):
        raise ApiError(
            400,
            "bad_json",
            lambda: _("Send one JSON object with the record's fields."),
        )
    body.pop(wire.ID, None)
    return body


def _too_large_message() -> str:
    limit = ngettext("%(bytes)s byte", "%(bytes)s bytes", MAX_BODY_BYTES) % {
        "bytes": formats.number_format(MAX_BODY_BYTES, force_grouping=True)
    }
    return _(
        "The body is larger than the limit of %(limit)s. Send only the fields "
        "of one record, without embedded files."
    ) % {"limit": limit}


def _bad_json_message(error: ValueError | RecursionError) -> str:
    """Return the reason why the body is not JSON, then what to send instead."""
    reason = json_error_reason(error, with_line=True)
    return _(
        "The body is not a JSON object (%(reason)s). Send one JSON object with "
        "the record's fields."
    ) % {"reason": reason}


def _record_json(
    spec: RegisterSpec, organisation: Organisation, record: RegisterRecord
) -> dict[str, Any]:
    values = wire.json_values(spec, record)
    values["url"] = reverse(
        "registers_api:record",
        kwargs={"org": organisation.slug, "register": spec.slug, "pk": record.pk},
    )
    return values


def _api(view: Any) -> Any:
    """Turn ApiError into JSON responses; check CSRF for session changes."""

    @csrf_exempt
    @never_cache
    def wrapped(request: HttpRequest, org: str, **kwargs: Any) -> HttpResponse:
        caller: Caller | None = None
        try:
            caller = _caller(request, org)
            if request.method not in _SAFE and caller.token is None:
                _check_csrf(request)
            return view(request, caller, **kwargs)  # type: ignore[no-any-return]
        except ApiError as error:
            rejection = error
        except services.RecordInvalid as error:
            rejection = ApiError(
                422, "invalid", lambda: _("The record is not valid."), error.errors
            )
        accesslog_api.log_rejection(
            logger,
            request,
            rejection,
            api="Registers API",
            ids=_logged_ids(request, org, caller, rejection),
            details=_logged_fields(kwargs.get("register", ""), rejection),
        )
        return rejection.response()

    # Each endpoint checks VIEW or the register's edit capability per method.
    wrapped.required_capability = Capability.VIEW  # type: ignore[attr-defined]
    return wrapped


def _logged_ids(
    request: HttpRequest, org: str, caller: Caller | None, error: ApiError
) -> str:
    """Return the ids of a rejected request for its log line.

    They are the centre of the path, and the token by its display prefix and
    name or else the logged-in user by id.
    """
    token = error.token or (caller.token if caller is not None else None)
    ids = f"for centre {org}"
    if token is not None:
        ids += f" with token {token.prefix} ({token.name})"
        if token.organisation.slug != org:
            ids += f" of centre {token.organisation.slug}"
    elif request.user.is_authenticated:
        ids += f" by user {request.user.pk}"
    return ids


def _logged_fields(register: str, error: ApiError) -> str:
    """Return the sentence that names the fields of a 422 for its log line.

    A field name that the register lacks is only counted, because it is
    text of the client's choice and could contain personal data.
    """
    if not error.field_errors:
        return ""
    spec = get_spec(register)
    known = {"__all__", *(spec.fields if spec is not None else ())}
    named = [name for name in error.field_errors if name in known]
    unknown = len(error.field_errors) - len(named)
    parts = [*named, f"{unknown} unknown"] if unknown else named
    return f"Invalid fields: {', '.join(parts)}."


def _check_csrf(request: HttpRequest) -> None:
    from django.middleware.csrf import CsrfViewMiddleware

    def _ok(_request: HttpRequest) -> HttpResponse:
        return HttpResponse()

    middleware = CsrfViewMiddleware(_ok)
    if middleware.process_view(request, _ok, (), {}) is not None:
        raise ApiError(
            403,
            "csrf",
            lambda: _("A change with a session needs the X-CSRFToken header."),
        )


def _not_allowed(method: str, allowed: str) -> ApiError:
    return ApiError(
        405,
        "method_not_allowed",
        lambda: (
            _("%(method)s is not allowed here. Use %(allowed)s.")
            % {"method": method, "allowed": allowed}
        ),
        headers={"Allow": allowed},
    )


def _page(paginator: "Paginator[Any]", number: str) -> Any:
    """Return page ``number``; a page past the last or not a number is a 404."""
    try:
        return paginator.page(number)
    except (EmptyPage, PageNotAnInteger):
        pages = {"page": repr(number), "last": paginator.num_pages}
        raise ApiError(
            404,
            "not_found",
            lambda: (
                _("There is no page %(page)s. The pages are 1 to %(last)d.") % pages
            ),
        ) from None


@_api
def register_index(request: HttpRequest, caller: Caller) -> HttpResponse:
    if request.method not in _SAFE:
        raise _not_allowed(str(request.method), "GET")
    _require(caller, Capability.VIEW)
    organisation = caller.organisation
    items = [
        {
            "register": spec.slug,
            "title": str(spec.title),
            "count": queries.records(spec, organisation).count(),
            "norm_keys": list(spec.catalog_keys),
            "url": reverse(
                "registers_api:records",
                kwargs={"org": organisation.slug, "register": spec.slug},
            ),
        }
        for spec in sorted(REGISTERS.values(), key=lambda spec: spec.slug)
    ]
    return JsonResponse({"registers": items})


@_api
def records(request: HttpRequest, caller: Caller, register: str) -> HttpResponse:
    spec = _spec(register)
    organisation = caller.organisation
    if request.method in _SAFE:
        _require(caller, Capability.VIEW)
        found = queries.search(
            spec,
            queries.records(spec, organisation),
            request.GET.get("q", ""),
            request.GET,
        )
        page = _page(Paginator(found, PAGE_SIZE), request.GET.get("page", "1"))
        return JsonResponse(
            {
                "count": page.paginator.count,
                "page": page.number,
                "pages": page.paginator.num_pages,
                "results": [_record_json(spec, organisation, r) for r in page],
            }
        )
    if request.method != "POST":
        raise _not_allowed(str(request.method), "GET, POST")
    _require(caller, spec.edit_capability)
    record = services.create_record(
        spec, organisation, _body(request), actor=caller.actor
    )
    return JsonResponse(_record_json(spec, organisation, record), status=201)


@_api
def record(
    request: HttpRequest, caller: Caller, register: str, pk: int
) -> HttpResponse:
    spec = _spec(register)
    organisation = caller.organisation
    found = spec.model._default_manager.filter(organisation=organisation, pk=pk).first()
    if found is None:
        raise ApiError(
            404,
            "not_found",
            lambda: (
                _("There is no record %(id)d in the register %(register)s.")
                % {"id": pk, "register": register}
            ),
        )
    if request.method in _SAFE:
        _require(caller, Capability.VIEW)
        return JsonResponse(_record_json(spec, organisation, found))
    _require(caller, spec.edit_capability)
    if request.method == "PATCH":
        changed = services.update_record(
            spec, found, _body(request), actor=caller.actor
        )
        return JsonResponse(_record_json(spec, organisation, changed))
    if request.method == "DELETE":
        services.delete_record(spec, found, actor=caller.actor)
        return HttpResponse(status=204)
    raise _not_allowed(str(request.method), "GET, PATCH, DELETE")
