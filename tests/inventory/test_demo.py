"""The demo inventory of a small centre."""

import pytest
from django.utils import timezone

from tests.inventory.conftest import add_hardware
from vigil.organisations.models import Organisation, Site
from vigil.registers.inventory import demo, notices
from vigil.registers.inventory.models import (
    CardReader,
    Hardware,
    ProfessionalCard,
    Software,
    UpsUnit,
)

pytestmark = pytest.mark.django_db


def test_demo_fills_every_register(centre_a: Organisation, sites_a: list[Site]) -> None:
    demo.populate(centre_a, None, timezone.localdate())

    kinds = set(Hardware.objects.values_list("kind", flat=True))
    assert {"server", "desktop", "network"} <= kinds
    assert Software.objects.count() == len(demo.SOFTWARE_ITEMS)
    assert CardReader.objects.count() == 2
    assert ProfessionalCard.objects.count() == 2
    ups = UpsUnit.objects.get()
    assert ups.protected.count() == 3
    first_site = Site.objects.filter(organisation=centre_a).order_by("id")[0]
    assert Hardware.objects.filter(site=first_site).count() == len(demo.HARDWARE_ITEMS)


def test_demo_shows_the_warnings(centre_a: Organisation, sites_a: list[Site]) -> None:
    demo.populate(centre_a, None, timezone.localdate())

    software = notices.software_warnings(centre_a)
    cards = notices.card_warnings(centre_a)

    assert software[0].startswith("1 product is past end of support: Windows 10 Pro")
    assert "Sociaal dossier" in software[1]
    assert len(cards) == 2
    assert notices.ups_warnings(centre_a) == []


def test_demo_runs_once(centre_a: Organisation) -> None:
    demo.populate(centre_a, None, timezone.localdate())
    demo.populate(centre_a, None, timezone.localdate())

    assert Hardware.objects.count() == len(demo.HARDWARE_ITEMS)
    assert Software.objects.count() == len(demo.SOFTWARE_ITEMS)


def test_demo_leaves_existing_inventory(centre_a: Organisation) -> None:
    add_hardware(centre_a, "INV-1")

    demo.populate(centre_a, None, timezone.localdate())

    assert Hardware.objects.count() == 1
