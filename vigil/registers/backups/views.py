"""The media page: which media a scheme gives for a date and the next 14 days."""

import datetime

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from vigil.accounts.roles import Capability
from vigil.isodate import IsoDateField
from vigil.organisations.tenancy import Tenant, tenant_view
from vigil.registers.backups import schemes, services
from vigil.registers.backups.models import BackupRun
from vigil.registers.backups.specs import RUNS, SCHEMES

FOLLOWING_DAYS = 14


class MediaForm(forms.Form):
    scheme = forms.ChoiceField(label=gettext_lazy("Scheme"))
    date = IsoDateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: object, names: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        scheme = self.fields["scheme"]
        if not isinstance(scheme, forms.ChoiceField):
            raise TypeError("the scheme field must be a choice field")
        scheme.choices = [(name, name) for name in names]


@require_safe
@tenant_view(Capability.VIEW)
def media(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    organisation = tenant.organisation
    names = services.scheme_names(organisation)
    data = {
        "scheme": request.GET.get("scheme")
        or services.scheme_in_use(organisation).name,
        "date": request.GET.get("date") or timezone.localdate().isoformat(),
    }
    form = MediaForm(data, names=names)
    context: dict[str, object] = {
        "tenant": tenant,
        "form": form,
        "runs_spec": RUNS,
        "schemes_spec": SCHEMES,
    }
    if form.is_valid():
        scheme = services.find_scheme(organisation, form.cleaned_data["scheme"])
        day: datetime.date = form.cleaned_data["date"]
        days = services.media_days(scheme.rotation, day, FOLLOWING_DAYS + 1)
        context.update(
            scheme=scheme,
            chosen=days[0],
            chosen_slots=_labelled(days[0]),
            following=[(item, _labelled(item)) for item in days[1:]],
            all_media=", ".join(scheme.rotation.media_names()),
            is_ksz=scheme.name == schemes.KSZ_2005,
            no_backup=_("No backup on this date."),
        )
    return render(request, "backups/media.html", context)


def _labelled(item: services.MediaDay) -> list[tuple[str, str]]:
    labels = dict(BackupRun.Kind.choices)
    return [(str(labels[slot.kind]), slot.medium) for slot in item.slots]
