"""The latest verification run of a centre's log, and the alert when it failed.

The status page shows the latest run. The centre dashboard and the weekly
digest show it only when it failed, to the users who may read the access
log.
"""

from django.utils.translation import gettext_lazy as _

from vigil.accesslog.models import VerificationRun
from vigil.accounts.roles import Capability
from vigil.organisations.tenancy import Tenant, scoped

# The next step after a failed run. A failure can be tampering, and anyone
# who controls the database can also rewrite its checkpoints, so only a copy
# kept outside the centre shows what the log was.
FAILURE_NEXT_STEP = _(
    "Treat this as a possible security incident. Keep the database as it is, "
    "and compare the log with the last proof bundle or checkpoint kept outside "
    "the centre, for example by the auditor."
)


def latest_run(tenant: Tenant) -> VerificationRun | None:
    """Return the tenant's latest verification run, or None before the first.

    The latest is the one that started last, which read the newest state of
    the log: a long run that passed may finish after a shorter one that
    started later and failed.
    """
    runs = scoped(VerificationRun.objects, tenant)
    return runs.order_by("-started_at", "-pk").first()


def failed_run(tenant: Tenant) -> VerificationRun | None:
    """Return the latest run if it failed and the tenant's user may read the log.

    That is the latest failed run that no later successful run follows.
    Without ``VIEW_ACCESS_LOG``, which the status page needs, it returns None.
    """
    if not tenant.grants(Capability.VIEW_ACCESS_LOG):
        return None
    return latest_failure(tenant)


def latest_failure(tenant: Tenant) -> VerificationRun | None:
    """Return the tenant's latest run if it failed, without checking the user's rights.

    The digest reads it once per centre and checks each recipient's rights.
    """
    run = latest_run(tenant)
    if run is None or run.ok:
        return None
    return run
