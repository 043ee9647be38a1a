"""The physical security registers: create, validate, import, export, warn."""

import datetime
from typing import Any

import pytest
from django.test import Client, override_settings

from tests.physical.conftest import add
from vigil.accounts.models import User
from vigil.organisations.models import Organisation, Site
from vigil.registers import services
from vigil.registers.sites.models import KeyIssue, SafetyMeasure, ServerRoomCheck
from vigil.registers.sites.specs import (
    ACCESS_RULES,
    KEYS,
    SAFETY_MEASURES,
    SERVER_ROOM_CHECKS,
    SPECS,
    key_warnings,
    measure_warnings,
    server_room_warnings,
)
from vigil.registers.spec import RegisterSpec

pytestmark = pytest.mark.usefixtures("fast_password_hasher")

TODAY = datetime.date(2026, 6, 15)


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.slug)
def test_create_from_example(
    spec: RegisterSpec, centre_a: Organisation, site: Site
) -> None:
    record = add(spec, centre_a)

    assert record.serializable_value("site") == site.pk
    (entry,) = services.history(record)
    assert entry.new_values["site"] == site.name


@pytest.mark.parametrize(
    ("spec", "changes", "field", "fragment"),
    [
        (KEYS, {"returned_on": "2026-01-01"}, "returned_on", "before issued on"),
        (KEYS, {"kind": "crowbar"}, "kind", "crowbar"),
        (KEYS, {"holder": ""}, "holder", "required"),
        (
            SAFETY_MEASURES,
            {"next_inspection": "2025-01-01"},
            "next_inspection",
            "before the last inspection of 2026-03-10",
        ),
        (SERVER_ROOM_CHECKS, {"result": "failed"}, "findings", "needs its findings"),
        (SERVER_ROOM_CHECKS, {"date": "2999-01-01"}, "date", "in the future"),
        (ACCESS_RULES, {"zone": ""}, "zone", "required"),
    ],
)
def test_invalid_values_name_field(
    centre_a: Organisation,
    site: Site,
    spec: RegisterSpec,
    changes: dict[str, str],
    field: str,
    fragment: str,
) -> None:
    with pytest.raises(services.RecordInvalid) as caught:
        add(spec, centre_a, **changes)

    assert list(caught.value.errors) == [field]
    assert fragment in " ".join(caught.value.errors[field])
    assert spec.model._default_manager.count() == 0


def test_unknown_site_is_rejected(centre_a: Organisation, site: Site) -> None:
    with pytest.raises(services.RecordInvalid) as caught:
        add(KEYS, centre_a, site="Elders")

    assert "'Elders'" in " ".join(caught.value.errors["site"])


def test_site_of_other_centre_is_rejected(
    centre_a: Organisation, centre_b: Organisation
) -> None:
    other = Site.objects.get(organisation=centre_b)

    with pytest.raises(services.RecordInvalid) as caught:
        add(KEYS, centre_a, site=other.name)

    assert "site" in caught.value.errors


def test_create_via_page(
    consultant_a: User, centre_a: Organisation, site: Site
) -> None:
    client = Client()
    client.force_login(consultant_a)
    data = {**KEYS.example(centre_a), "site": str(site.pk)}

    response = client.post(f"/c/{centre_a.slug}/registers/keys/new/", data)

    key = KeyIssue.objects.get()
    assert response.status_code == 302
    assert key.holder == "Jan Peeters"
    assert key.site == site


def test_page_shows_error(
    consultant_a: User, centre_a: Organisation, site: Site
) -> None:
    client = Client()
    client.force_login(consultant_a)
    data = {
        **SAFETY_MEASURES.example(centre_a),
        "site": str(site.pk),
        "next_inspection": "2025-01-01",
    }

    response = client.post(
        f"/c/{centre_a.slug}/registers/safety-measures/new/",
        data,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert SafetyMeasure.objects.count() == 0


def test_import_good_file(centre_a: Organisation, site: Site) -> None:
    content = (
        "site;kind;identifier;zone;holder;issued_on;returned_on\r\n"
        f"{site.name};master_key;L-01;Alle deuren;Luc Janssens;2025-01-06;\r\n"
        f"{site.name};badge;B-0012;Onthaal;Sara Claes;2025-02-03;2026-01-31\r\n"
    ).encode()

    rows = services.read_rows(KEYS, content)
    result = services.import_rows(KEYS, centre_a, rows, actor=None)

    assert (result.created, result.updated) == (2, 0)
    badge = KeyIssue.objects.get(identifier="B-0012")
    assert badge.returned_on == datetime.date(2026, 1, 31)
    assert badge.site == site


def test_import_bad_file_saves_nothing(centre_a: Organisation, site: Site) -> None:
    content = (
        "site,date,checked_by,findings,result\r\n"
        f"{site.name},2026-01-10,Pieter De Smet,,ok\r\n"
        "Bijhuis,2026-02-10,Pieter De Smet,,ok\r\n"
        f"{site.name},2026-03-10,Pieter De Smet,,failed\r\n"
    ).encode()

    rows = services.read_rows(SERVER_ROOM_CHECKS, content)
    with pytest.raises(services.ImportRejected) as caught:
        services.import_rows(SERVER_ROOM_CHECKS, centre_a, rows, actor=None)

    errors = [(error.line, error.field) for error in caught.value.errors]
    assert errors == [(3, "site"), (4, "findings")]
    assert "'Bijhuis'" in caught.value.errors[0].message
    assert ServerRoomCheck.objects.count() == 0


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.slug)
def test_export_round_trip(
    spec: RegisterSpec, centre_a: Organisation, site: Site
) -> None:
    add(spec, centre_a)
    records: Any = spec.model._default_manager.filter(organisation=centre_a)
    exported = services.render_export(spec, records, "csv")

    rows = services.read_rows(spec, exported)
    result = services.import_rows(spec, centre_a, rows, actor=None)

    assert (result.created, result.updated) == (0, 1)
    assert services.render_export(spec, records, "csv") == exported
    assert site.name in exported.decode("utf-8-sig")


def issue(site: Site, identifier: str, holder: str, **extra: Any) -> KeyIssue:
    return KeyIssue.objects.create(
        organisation=site.organisation,
        site=site,
        kind=extra.pop("kind", KeyIssue.Kind.MASTER_KEY),
        identifier=identifier,
        zone="Alle deuren",
        holder=holder,
        issued_on=datetime.date(2025, 1, 1),
        **extra,
    )


def test_master_key_warning(site: Site) -> None:
    for holder in ("Luc", "Marc", "Sara"):
        issue(site, "L-01", holder)
    issue(site, "L-01", "Tom", returned_on=datetime.date(2025, 6, 1))
    issue(site, "B-1", "Ann", kind=KeyIssue.Kind.BADGE)
    issue(site, "B-1", "Bob", kind=KeyIssue.Kind.BADGE)

    assert key_warnings(site.organisation) == []

    issue(site, "L-01", "Eva")
    (warning,) = key_warnings(site.organisation)
    assert "L-01" in warning
    assert "4 holders, more than 3" in warning


def test_master_key_limit_setting(site: Site) -> None:
    issue(site, "L-01", "Luc")
    issue(site, "L-01", "Marc")

    with override_settings(VIGIL_MASTER_KEY_MAX_HOLDERS=1):
        (warning,) = key_warnings(site.organisation)

    assert "2 holders, more than 1" in warning


def measure(site: Site, next_inspection: datetime.date | None) -> SafetyMeasure:
    return SafetyMeasure.objects.create(
        organisation=site.organisation,
        site=site,
        kind=SafetyMeasure.Kind.EXTINGUISHER,
        location="Gang",
        next_inspection=next_inspection,
    )


def test_overdue_inspection_warning(site: Site) -> None:
    measure(site, TODAY - datetime.timedelta(days=1))
    measure(site, TODAY)
    measure(site, None)

    (warning,) = measure_warnings(site.organisation, TODAY)

    assert "fire extinguisher · Gang" in warning
    assert "2026-06-14" in warning


def check(site: Site, date: datetime.date) -> ServerRoomCheck:
    return ServerRoomCheck.objects.create(
        organisation=site.organisation,
        site=site,
        date=date,
        checked_by="Pieter",
        result=ServerRoomCheck.Result.OK,
    )


def test_server_room_warning(site: Site) -> None:
    assert server_room_warnings(site.organisation, TODAY) == [
        "No server room check is recorded; check the server room."
    ]

    check(site, TODAY - datetime.timedelta(days=366))
    (warning,) = server_room_warnings(site.organisation, TODAY)
    assert "2025-06-14" in warning

    check(site, TODAY - datetime.timedelta(days=365))
    assert server_room_warnings(site.organisation, TODAY) == []


def test_overview_page(consultant_a: User, centre_a: Organisation, site: Site) -> None:
    issue(site, "L-01", "Luc")
    client = Client()
    client.force_login(consultant_a)

    response = client.get(f"/c/{centre_a.slug}/physical/")

    assert response.status_code == 200
    content = response.content.decode()
    assert site.name in content
    assert 'data-testid="physical-sites"' in content
