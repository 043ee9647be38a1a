"""Search of the access log, its CSV exports and the proof document of an entry.

The search form is posted, because it may hold a national number. The view
pseudonymises that number and redirects to a GET URL that carries only the
pseudonym, so result pages can be paged, bookmarked and exported without the
clear number ever being part of a URL. A link that contains a national number
all the same is redirected to the search without it, with a notice.
"""

import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Max
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    QueryDict,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vigil.accesslog import search as search_service
from vigil.accesslog.models import AccessEntry
from vigil.accesslog.proofs import (
    LogDamagedProofUnavailable,
    ProofUnavailable,
    proof_document,
)
from vigil.accesslog.pseudonyms import pseudonymise
from vigil.accesslog.views import cursor, render_page
from vigil.accesslog.views.forms import SearchForm
from vigil.accounts.roles import Capability
from vigil.organisations.tenancy import Tenant, scoped, tenant_view

logger = logging.getLogger(__name__)

# Notices for a search or export URL whose ``subject`` parameter contains a
# national number. They do not repeat the number.
# Translators: %(field)s is the label of the national-number field of the
# search form.
NUMBER_IN_SEARCH_LINK = _(
    "National numbers are not accepted in links, so the search below ran "
    "without the number in the link. To search for a data subject, type the "
    "number into the field “%(field)s”."
)
# Translators: %(field)s is the label of the national-number field of the
# search form.
NUMBER_IN_EXPORT_LINK = _(
    "National numbers are not accepted in links, so nothing was exported and "
    "the search below ran without the number in the link. To export the "
    "entries of a data subject, type the number into the field “%(field)s”, "
    "search, then export."
)
# The same for a link without other criteria, so that no search ran.
# Translators: %(field)s is the label of the national-number field of the
# search form.
NUMBER_ALONE_IN_SEARCH_LINK = _(
    "National numbers are not accepted in links. To search for a data "
    "subject, type the number into the field “%(field)s”."
)
# Translators: %(field)s is the label of the national-number field of the
# search form.
NUMBER_ALONE_IN_EXPORT_LINK = _(
    "National numbers are not accepted in links, so nothing was exported. To "
    "export the entries of a data subject, type the number into the field "
    "“%(field)s”, search, then export."
)


# Translators: %(person)s is the text typed into the field "Natural person",
# %(maximum)s a number such as 200.
TOO_MANY_PERSON_PERIODS = _(
    "“%(person)s” matches more than %(maximum)s periods of the identity "
    "register, so the search would leave out the entries of some of them. "
    "Enter more of the name, or the staff number or e-mail address."
)


def _is_valid(tenant: Tenant, form: SearchForm) -> bool:
    """Validate ``form``, rejecting a person that matches too many periods."""
    if not form.is_valid():
        return False
    person = form.cleaned_data.get("person") or ""
    if person and search_service.matches_too_many_periods(tenant.organisation, person):
        values = {"person": person, "maximum": search_service.MAX_PERSON_PERIODS}
        form.add_error("person", TOO_MANY_PERSON_PERIODS % values)
        return False
    return True


def _criteria(tenant: Tenant, form: SearchForm) -> search_service.Criteria:
    data = form.cleaned_data
    pseudonym = data.get("subject_pseudonym") or ""
    if data.get("subject"):
        pseudonym = pseudonymise(tenant.organisation, data["subject"])
    return search_service.Criteria(
        subject_pseudonym=pseudonym,
        user_id=data.get("user_id") or "",
        person=data.get("person") or "",
        since=data.get("since"),
        until=data.get("until"),
        application=data.get("application") or "",
        service=data.get("service") or "",
        action=data.get("action") or "",
    )


def _query_form(query: QueryDict) -> SearchForm:
    """Bind the search form to URL parameters, ignoring an empty ``subject``."""
    data = query.copy()
    data.pop("subject", None)
    return SearchForm(data or None)


def _search_url(tenant: Tenant, criteria: search_service.Criteria) -> str:
    base = reverse("accesslog:search", kwargs={"org": tenant.organisation.slug})
    query = criteria.as_query()
    return f"{base}?{urlencode(query)}" if query else base


def _redirect_without_number(
    request: HttpRequest, tenant: Tenant, notices: tuple[Promise, Promise]
) -> HttpResponseRedirect | None:
    """Redirect a URL with a national number to the search without it.

    Only the posted form accepts a national number, so a non-empty
    ``subject`` parameter comes from a link that someone built or typed. The
    redirect keeps every other parameter and takes the number out of the
    address bar, so bookmarks, the language switch and the Referer of later
    requests do not carry it. The search page shows the first of
    ``notices`` when other criteria remain, so that a search runs, and the
    second otherwise. Returns None when the URL contains no national number.
    """
    if not any(value.strip() for value in request.GET.getlist("subject")):
        return None
    query = request.GET.copy()
    query.pop("subject")
    searched = any(
        value.strip()
        for name in query
        if name != "page"
        for value in query.getlist(name)
    )
    notice = notices[0] if searched else notices[1]
    label = SearchForm.base_fields["subject"].label
    messages.warning(request, str(notice) % {"field": label})
    base = reverse("accesslog:search", kwargs={"org": tenant.organisation.slug})
    return HttpResponseRedirect(f"{base}?{query.urlencode()}" if query else base)


@tenant_view(Capability.VIEW_ACCESS_LOG)
def search(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    if request.method == "POST":
        return _submit(request, tenant)
    redirect = _redirect_without_number(
        request, tenant, (NUMBER_IN_SEARCH_LINK, NUMBER_ALONE_IN_SEARCH_LINK)
    )
    if redirect is not None:
        return redirect
    form = _query_form(request.GET)
    context: dict[str, object] = {"form": form}
    valid = form.is_bound and _is_valid(tenant, form)
    if valid:
        criteria = _criteria(tenant, form)
        if not criteria.is_empty():
            context.update(_results(request, tenant, criteria))
    return render_page(
        request,
        tenant,
        "accesslog/search.html",
        context,
        section="search",
        status=400 if form.is_bound and not valid else 200,
    )


def _submit(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    form = SearchForm(request.POST)
    if form.is_valid() and _criteria(tenant, form).is_empty():
        # Without a criterion the redirect would land on the page of a first
        # visit, which says nothing.
        form.add_error(None, _("Enter at least one criterion."))
    if not _is_valid(tenant, form):
        return render_page(
            request,
            tenant,
            "accesslog/search.html",
            {"form": form},
            section="search",
            status=400,
        )
    criteria = _criteria(tenant, form)
    return HttpResponseRedirect(_search_url(tenant, criteria), status=303)


def _results(
    request: HttpRequest, tenant: Tenant, criteria: search_service.Criteria
) -> dict[str, object]:
    before, after = cursor(request, "before"), cursor(request, "after")
    if before is None and after is None:
        search_service.record_search(
            tenant.organisation, criteria, actor=request.user, export_format=None
        )
    entries = search_service.matching_entries(tenant.organisation, criteria)
    page = search_service.result_page(
        tenant.organisation,
        entries,
        by_segment=criteria.by_segment,
        before=before,
        after=after,
    )
    query = criteria.as_query()
    without_subject = {k: v for k, v in query.items() if k != "subject_pseudonym"}
    unknown_person = bool(criteria.person) and not (
        search_service.person_periods(tenant.organisation, criteria.person).exists()
    )
    return {
        "criteria": criteria,
        "page": page,
        "unknown_person": unknown_person,
        "query": urlencode(query),
        "query_without_subject": urlencode(without_subject),
    }


@tenant_view(Capability.VIEW_ACCESS_LOG)
def export(request: HttpRequest, tenant: Tenant) -> HttpResponseBase:
    """Stream the entries that match the URL's criteria as RFC 4180 CSV."""
    return _export(request, tenant, search_service.CSV_EXPORT)


@tenant_view(Capability.VIEW_ACCESS_LOG)
def export_excel(request: HttpRequest, tenant: Tenant) -> HttpResponseBase:
    """Stream the same entries for Excel: semicolons and a byte order mark."""
    return _export(request, tenant, search_service.EXCEL_EXPORT)


def _export(
    request: HttpRequest, tenant: Tenant, export_format: search_service.ExportFormat
) -> HttpResponseBase:
    """Stream the entries that match the URL's criteria by index.

    A URL with a national number exports nothing and redirects to the search
    without the number. Otherwise the file would contain the entries of every
    data subject where the user expects those of one.
    """
    redirect = _redirect_without_number(
        request, tenant, (NUMBER_IN_EXPORT_LINK, NUMBER_ALONE_IN_EXPORT_LINK)
    )
    if redirect is not None:
        return redirect
    form = _query_form(request.GET)
    if form.is_bound and not _is_valid(tenant, form):
        return render_page(
            request,
            tenant,
            "accesslog/search.html",
            {"form": form},
            section="search",
            status=400,
        )
    criteria = _criteria(tenant, form) if form.is_bound else search_service.Criteria()
    search_service.record_search(
        tenant.organisation, criteria, actor=request.user, export_format=export_format
    )
    entries = search_service.matching_entries(tenant.organisation, criteria)
    response = StreamingHttpResponse(
        search_service.export_rows(
            tenant.organisation,
            entries,
            by_segment=criteria.by_segment,
            export_format=export_format,
        ),
        content_type="text/csv; charset=utf-8",
    )
    filename = search_service.export_filename(tenant.organisation, export_format)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@tenant_view(Capability.VIEW_ACCESS_LOG)
def proof(request: HttpRequest, tenant: Tenant, index: int) -> HttpResponse:
    """Send the proof document of entry ``index`` as a JSON file to download."""
    entry = scoped(AccessEntry.objects, tenant).filter(index=index).first()
    if entry is None:
        error = ProofUnavailable(_no_entry_reason(tenant, index))
        return _proof_unavailable(request, tenant, index, error, damaged=False)
    try:
        document = proof_document(tenant.organisation, entry.index)
    except LogDamagedProofUnavailable as error:
        # The entry exists but the log no longer matches it, so no proof of
        # it is handed out.
        logger.warning(
            "Withheld the proof of access-log entry %d of %s: %s",
            entry.index,
            tenant.organisation.slug,
            error,
        )
        return _proof_unavailable(request, tenant, entry.index, error, damaged=True)
    except ProofUnavailable as error:
        return _proof_unavailable(request, tenant, entry.index, error, damaged=False)
    response = JsonResponse(document, json_dumps_params={"indent": 2})
    # Saved as a file, the document is what vigil-verify checks offline.
    filename = f"accesslog-{tenant.organisation.slug}-proof-{entry.index}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _no_entry_reason(tenant: Tenant, index: int) -> str:
    """Explain in the active language that the log has no entry ``index``."""
    last = scoped(AccessEntry.objects, tenant).aggregate(last=Max("index"))["last"]
    if last is None:
        return str(
            _("entry %(index)d does not exist. The log is empty") % {"index": index}
        )
    return str(
        _("entry %(index)d does not exist. The log has entries 0 to %(last)d")
        % {"index": index, "last": last}
    )


def _proof_unavailable(
    request: HttpRequest,
    tenant: Tenant,
    index: int,
    error: ProofUnavailable,
    *,
    damaged: bool,
) -> HttpResponse:
    """Return the 409 (damaged log) or 404 error of a proof that cannot be given.

    A browser that follows the link gets a page in its language. A client
    that accepts JSON at least as much as HTML, such as curl with its
    ``Accept: */*``, gets the JSON error that docs/accesslog.md documents.
    """
    status = 409 if damaged else 404
    preferred = request.get_preferred_type(["application/json", "text/html"])
    response: HttpResponse
    if preferred == "text/html":
        context = {"index": index, "message": str(error), "damaged": damaged}
        response = render_page(
            request,
            tenant,
            "accesslog/proof_unavailable.html",
            context,
            section="search",
            status=status,
        )
    else:
        code = "log_damaged" if damaged else "not_found"
        response = JsonResponse({"error": code, "message": str(error)}, status=status)
    patch_vary_headers(response, ["Accept"])
    return response
