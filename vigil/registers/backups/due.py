"""The next restore test for the list of what falls due."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from vigil.organisations.models import Organisation
from vigil.registers.backups.services import last_restore_test, scheme_in_use


def due_items(
    organisation: Organisation, today: datetime.date
) -> list[tuple[datetime.date, str, str]]:
    """Return when the next restore test is due: the scheme's period after the last.

    Without any restore test, it is due today.
    """
    period = scheme_in_use(organisation).restore_test_days
    last = last_restore_test(organisation)
    due = today if last is None else last + datetime.timedelta(days=period)
    url = reverse(
        "registers:list", kwargs={"org": organisation.slug, "register": "restore-tests"}
    )
    return [(due, _("Test a restore of the backups (norm 4.4.2)"), url)]
