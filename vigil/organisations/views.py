from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from vigil.accounts.models import Membership


@login_required
def choose(request: HttpRequest) -> HttpResponse:
    """List the user's organisations; go straight to the only one."""
    memberships = list(
        Membership.objects.active()
        .filter(user_id=request.user.pk or 0)
        .select_related("organisation")
        .order_by("organisation__name_nl")
    )
    if len(memberships) == 1 and not request.GET.get("all"):
        return redirect("assessments:dashboard", org=memberships[0].organisation.slug)
    return render(request, "organisations/choose.html", {"memberships": memberships})
