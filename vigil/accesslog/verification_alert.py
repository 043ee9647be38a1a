"""The latest verification run of a centre's log, and the next step when it failed."""

from django.utils.translation import gettext_lazy as _

from vigil.accesslog.models import VerificationRun
from vigil.organisations.tenancy import Tenant, scoped

# The next step after a failed run. A failure can be tampering, and whoever
# controls the database can also rewrite its checkpoints, so only a copy
# kept outside the centre shows what the log was.
FAILURE_NEXT_STEP = _(
    "Treat this as a possible security incident. Keep the database as it is, "
    "and compare the log with the last proof bundle or checkpoint kept outside "
    "the centre, for example by the auditor."
)


def latest_run(tenant: Tenant) -> VerificationRun | None:
    """Return the tenant's latest verification run, or None before the first."""
    runs = scoped(VerificationRun.objects, tenant)
    return runs.order_by("-finished_at", "-pk").first()
