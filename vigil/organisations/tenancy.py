"""The tenancy helper: the one way to reach records that belong to a centre.

Every tenant-owned model names the path to its organisation in
``tenant_field``. Views get a :class:`Tenant` for the organisation in the URL
(or a 404 when the user has no active membership there) and query through
:func:`scoped` or :func:`get_scoped_or_404`, so a record of another
organisation is never found, which the user sees as a 404.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar, overload

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from vigil.accounts.models import Membership, User
from vigil.accounts.roles import Capability
from vigil.organisations.models import Organisation

ModelT = TypeVar("ModelT", bound=models.Model)
P = ParamSpec("P")


class TenantOwned(Protocol):
    tenant_field: str


@dataclass(frozen=True)
class Tenant:
    """The active organisation of a request and the user's membership there."""

    organisation: Organisation
    membership: Membership

    @property
    def user(self) -> User:
        return self.membership.user

    def grants(self, capability: Capability) -> bool:
        return self.membership.grants(capability)

    @property
    def can(self) -> dict[str, bool]:
        """Capabilities by name, for templates: ``tenant.can.edit_assessment``."""
        return {capability.value: self.grants(capability) for capability in Capability}


def tenant_for(user: Any, slug: str) -> Tenant:
    """Return the tenant for ``slug``; raise Http404 if ``user`` has no role there."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    membership = (
        Membership.objects.active()
        .select_related("organisation", "user")
        .filter(user=user, organisation__slug=slug)
        .first()
    )
    if membership is None:
        raise Http404
    return Tenant(organisation=membership.organisation, membership=membership)


@overload
def scoped(
    queryset: "models.QuerySet[ModelT]", tenant: Tenant
) -> "models.QuerySet[ModelT]": ...


@overload
def scoped(
    queryset: "models.Manager[ModelT]", tenant: Tenant
) -> "models.QuerySet[ModelT]": ...


def scoped(queryset: Any, tenant: Tenant) -> Any:
    """Filter a queryset of a tenant-owned model to the tenant's organisation."""
    field = getattr(queryset.model, "tenant_field", None)
    if not field:
        raise TypeError(f"{queryset.model.__name__} declares no tenant_field")
    return queryset.filter(**{field: tenant.organisation})


def get_scoped_or_404(
    queryset: "models.QuerySet[ModelT]", tenant: Tenant, **lookup: Any
) -> ModelT:
    """Return the one record of the tenant matching ``lookup``, else raise Http404."""
    try:
        return scoped(queryset, tenant).get(**lookup)
    except (ObjectDoesNotExist, ValueError):
        raise Http404 from None


TenantView = Callable[Concatenate[HttpRequest, Tenant, P], HttpResponseBase]
RoutedView = Callable[Concatenate[HttpRequest, str, P], HttpResponseBase]


def tenant_view(capability: Capability) -> Callable[[TenantView[P]], RoutedView[P]]:
    """Decorate a view taking ``(request, tenant, ...)`` for URLs with ``<slug:org>``.

    An anonymous user goes to the login page; a user without a role in the
    organisation gets a 404; a member whose role lacks ``capability`` gets a 403.
    """

    def decorate(view: TenantView[P]) -> RoutedView[P]:
        @wraps(view)
        def wrapped(
            request: HttpRequest, org: str, *args: P.args, **kwargs: P.kwargs
        ) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            tenant = tenant_for(request.user, org)
            if not tenant.grants(capability):
                raise PermissionDenied
            return view(request, tenant, *args, **kwargs)

        wrapped.required_capability = capability  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorate
