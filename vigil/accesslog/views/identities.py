"""The identity register: which natural person held a USERID when (norm 4.4.5).

The page also lists the user ids of the log that no period covers, for the
days of its GET form, and links each of them to the add form.
"""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigil.accesslog import identities, untraced
from vigil.accesslog.models import IdentityPeriod
from vigil.accesslog.views import render_page
from vigil.accesslog.views.forms import (
    EndPeriodForm,
    IdentityPeriodForm,
    UntracedForm,
)
from vigil.accounts.roles import Capability
from vigil.organisations.tenancy import Tenant, get_scoped_or_404, scoped, tenant_view

PAGE_SIZE = 50


def _field_of(error: ValidationError, default: str) -> str | None:
    """Return None for an error that names its fields, else ``default``."""
    return None if hasattr(error, "error_dict") else default


def _untraced(
    request: HttpRequest, tenant: Tenant
) -> tuple[UntracedForm, untraced.UntracedReport | None]:
    """Return the untraced-user-id form and, once it is submitted and valid, the report.

    Without ``since`` and ``until`` in the query the form shows the default
    days and nothing is read. On a log of 200,000 entries a month, the list
    of a month took about 0.3 s, which every visit would otherwise pay.
    """
    if "since" not in request.GET and "until" not in request.GET:
        first_day, last_day = untraced.default_days(timezone.localdate())
        return UntracedForm(initial={"since": first_day, "until": last_day}), None
    form = UntracedForm(request.GET)
    if not form.is_valid():
        return form, None
    since, until = untraced.day_period(
        form.cleaned_data["since"], form.cleaned_data["until"]
    )
    return form, untraced.untraced_user_ids(tenant.organisation, since, until)


def _page_of(periods: QuerySet[IdentityPeriod], pk: int) -> int:
    """Return the number of the page that lists period ``pk`` (1 if absent)."""
    period = periods.filter(pk=pk).first()
    if period is None:
        return 1
    before = periods.filter(
        Q(user_id__lt=period.user_id)
        | Q(user_id=period.user_id, valid_from__gt=period.valid_from)
    ).count()
    return before // PAGE_SIZE + 1


def _render(
    request: HttpRequest,
    tenant: Tenant,
    *,
    form: IdentityPeriodForm | None = None,
    end_errors: dict[int, EndPeriodForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    periods = scoped(IdentityPeriod.objects, tenant)
    text = request.GET.get("q", "").strip()
    if text:
        periods = periods.filter(
            Q(user_id__iexact=text)
            | Q(person_name__icontains=text)
            | Q(person_reference__iexact=text)
        )
    page_number = request.GET.get("page")
    if end_errors and page_number is None:
        # The form that failed posts no page, and its errors show in the
        # period's row, so the page must be the one that lists that period.
        [failed] = end_errors
        page_number = str(_page_of(periods, failed))
    page = Paginator(periods.order_by("user_id", "-valid_from"), PAGE_SIZE).get_page(
        page_number
    )
    can_manage = tenant.grants(Capability.MANAGE_ACCESS_LOG)
    if form is None and can_manage:
        # The "add a period" links of the untraced user ids fill in the user id.
        form = IdentityPeriodForm(initial={"user_id": request.GET.get("user_id", "")})
    untraced_form, report = _untraced(request, tenant)
    if untraced_form.errors and status == 200:
        status = 400
    context = {
        "page": page,
        "q": text,
        "can_manage": can_manage,
        "form": form,
        "end_errors": end_errors or {},
        "untraced_form": untraced_form,
        "untraced": report,
    }
    return render_page(
        request,
        tenant,
        "accesslog/identities.html",
        context,
        section="identities",
        status=status,
    )


@tenant_view(Capability.VIEW_ACCESS_LOG)
def register(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    return _render(request, tenant)


@require_POST
@tenant_view(Capability.MANAGE_ACCESS_LOG)
def add(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    form = IdentityPeriodForm(request.POST)
    if form.is_valid():
        try:
            period = identities.add_identity_period(
                tenant.organisation, **form.cleaned_data, actor=request.user
            )
        except ValidationError as error:
            # An overlap concerns the period as a whole: show it at its start.
            form.add_error(_field_of(error, "valid_from"), error)
        else:
            messages.success(
                request,
                _("%(user_id)s is linked to %(person)s.")
                % {"user_id": period.user_id, "person": period.person_name},
            )
            return redirect("accesslog:identities", org=tenant.organisation.slug)
    return _render(request, tenant, form=form, status=400)


@require_POST
@tenant_view(Capability.MANAGE_ACCESS_LOG)
def end(request: HttpRequest, tenant: Tenant, pk: int) -> HttpResponse:
    period = get_scoped_or_404(IdentityPeriod.objects.all(), tenant, pk=pk)
    old_end = period.valid_until
    form = EndPeriodForm(request.POST)
    if form.is_valid():
        try:
            identities.end_identity_period(
                period, valid_until=form.cleaned_data["valid_until"], actor=request.user
            )
        except ValidationError as error:
            form.add_error(_field_of(error, "valid_until"), error)
        else:
            new_end = form.cleaned_data["valid_until"]
            messages.success(request, _end_message(period, old_end, new_end))
            return redirect("accesslog:identities", org=tenant.organisation.slug)
    return _render(request, tenant, end_errors={period.pk: form}, status=400)


def _end_message(
    period: IdentityPeriod,
    old_end: datetime.datetime | None,
    new_end: datetime.datetime,
) -> str:
    values = {
        "user_id": period.user_id,
        "person": period.person_name,
        "old": _local_minute(old_end) if old_end else "",
        "new": _local_minute(new_end),
    }
    if old_end is None:
        return _("The period of %(user_id)s for %(person)s is ended.") % values
    if old_end == new_end:
        return _("Nothing changed: the period already ends at %(new)s.") % values
    return (
        _(
            "The end of the period of %(user_id)s for %(person)s moved from "
            "%(old)s to %(new)s."
        )
        % values
    )


def _local_minute(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"
