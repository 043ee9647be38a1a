"""The actions of the status page: verify the log now, export for an auditor.

Both need ``MANAGE_ACCESS_LOG``, as running detection does, and call the
services of ``vigil accesslog verify`` and ``vigil accesslog export`` with
the logged-in user as the actor of the audit trail.
"""

import logging
from collections.abc import Iterator

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigil.accesslog.bundle import (
    BundleExport,
    InvalidPeriod,
    InvalidPreviousCheckpoint,
    PreviousCheckpointAhead,
    export_period,
    note_reason,
    prepare_bundle,
)
from vigil.accesslog.checkpoints import latest_checkpoint
from vigil.accesslog.leaves import LogDamaged
from vigil.accesslog.verification import VerificationResult, verify_log
from vigil.accesslog.views.forms import BundleExportForm, shown_note
from vigil.accesslog.views.status import (
    NO_CHECKPOINT_TO_EXPORT,
    entry_count,
    render_status,
    verify_too_large,
)
from vigil.accounts.roles import Capability
from vigil.organisations.tenancy import Tenant, tenant_view

logger = logging.getLogger(__name__)


@require_POST
@tenant_view(Capability.MANAGE_ACCESS_LOG)
def verify(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    """Verify the whole log as ``vigil accesslog verify`` does, up to a size."""
    too_large = verify_too_large(tenant, entry_count(tenant))
    if too_large is not None:
        messages.warning(request, too_large)
        return redirect("accesslog:status", org=tenant.organisation.slug)
    result = verify_log(tenant.organisation, actor=request.user)
    if result.ok:
        messages.success(
            request,
            _("The log is intact: %(counts)s.") % {"counts": result.reason_text()},
        )
    else:
        messages.error(request, _failure_message(result))
    return redirect("accesslog:status", org=tenant.organisation.slug)


def _failure_message(result: VerificationResult) -> str:
    reason = result.reason_text()
    if result.first_divergent_index is None:
        return _("The verification failed: %(reason)s.") % {"reason": reason}
    return _(
        "The verification failed, first divergent entry %(index)s: %(reason)s."
    ) % {"index": result.first_divergent_index, "reason": reason}


@require_POST
@tenant_view(Capability.MANAGE_ACCESS_LOG)
def export(request: HttpRequest, tenant: Tenant) -> HttpResponseBase:
    """Stream the proof bundle that ``vigil accesslog export`` writes.

    Every check that needs no entry comes first and shows its error in the
    form, with nothing signed or recorded. The bundle is then written while
    it is sent, so memory contains one chunk of entries at a time, whatever
    the period.
    """
    form = BundleExportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render_status(request, tenant, export_form=form, status=400)
    if latest_checkpoint(tenant.organisation) is None:
        form.add_error(None, NO_CHECKPOINT_TO_EXPORT)
        return render_status(request, tenant, export_form=form, status=400)
    since, until = form.cleaned_data["since"], form.cleaned_data["until"]
    start, end = export_period(since, until)
    note = form.previous_note
    try:
        bundle = prepare_bundle(
            tenant.organisation, start, end, actor=request.user, previous_note=note
        )
    except (InvalidPreviousCheckpoint, PreviousCheckpointAhead) as error:
        form.add_error(form.previous_field, _previous_message(error, note or ""))
        return render_status(request, tenant, export_form=form, status=400)
    except InvalidPeriod as error:
        form.add_error("until", _period_message(form, error))
        return render_status(request, tenant, export_form=form, status=400)
    except LogDamaged as error:
        logger.warning(
            "Proof bundle export of %s rejected, log damaged at entry %d: %s",
            tenant.organisation.slug,
            error.index,
            error,
        )
        form.add_error(None, str(error))
        return render_status(request, tenant, export_form=form, status=409)
    response = StreamingHttpResponse(
        _sent_chunks(bundle, translation.get_language()),
        content_type="application/json",
    )
    slug = tenant.organisation.slug
    filename = f"accesslog-{slug}-bundle-{since.isoformat()}-{until.isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _previous_message(
    error: InvalidPreviousCheckpoint | PreviousCheckpointAhead, note: str
) -> str:
    if isinstance(error, PreviousCheckpointAhead):
        return _(
            "The checkpoint “%(note)s” has tree size %(previous)s, but the log "
            "now has only %(size)s entries. The log was cut back, so entries "
            "that the auditor's checkpoint covers are gone. Nothing was "
            "exported. Handle this as a security incident."
        ) % {
            "note": shown_note(note),
            "previous": error.previous_size,
            "size": error.size,
        }
    return _(
        "“%(note)s” is not a signed checkpoint of this log: %(error)s. Give the "
        "whole note that the auditor kept of this centre's log, from its first "
        "line to its signature line."
    ) % {"note": shown_note(note), "error": note_reason(error.error)}


def _period_message(form: BundleExportForm, error: InvalidPeriod) -> str:
    # NOTE: the reason of InvalidPeriod is in English.
    return _(
        "The period from %(since)s to %(until)s cannot be exported: %(reason)s. "
        "Choose other days."
    ) % {
        "since": form.cleaned_data["since"].isoformat(),
        "until": form.cleaned_data["until"].isoformat(),
        "reason": error,
    }


def _sent_chunks(bundle: BundleExport, language: str) -> Iterator[str]:
    """Yield the bundle's pieces, ending the file with the reason if it fails.

    The status line and headers are sent by then, so the error is written at
    the end of the file, which then is not valid JSON, and raised again so
    that the server breaks the download off.
    """
    with translation.override(language):
        try:
            yield from bundle.chunks()
        except ValueError as error:
            logger.warning(
                "Proof bundle export of %s failed after the response started: %s",
                bundle.organisation.slug,
                error,
            )
            yield "\n\n" + _(
                "EXPORT FAILED: %(reason)s. This file is incomplete and is not "
                "a bundle, and the export was not recorded."
            ) % {"reason": error}
            raise
