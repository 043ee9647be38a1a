"""The demo risk analysis."""

import pytest
from django.utils import timezone

from vigil.organisations.models import Organisation
from vigil.plans.risks import demo
from vigil.plans.risks.models import Asset, Process, Risk

pytestmark = pytest.mark.django_db


def test_demo_is_complete_and_runs_once(centre_a: Organisation) -> None:
    today = timezone.localdate()

    demo.populate(centre_a, None, today)
    demo.populate(centre_a, None, today)

    names = set(Process.objects.values_list("name", flat=True))
    assert names == {"Sociale dienst", "Schuldbemiddeling", "Betalingen aan cliënten"}
    assert Asset.objects.count() == 4
    assert Risk.objects.count() == 5
    assert Risk.objects.filter(decision=Risk.Decision.ACCEPT).count() == 1
