"""What every register gets from its spec, checked for each installed register."""

import datetime
import json

import pytest
from django.test import Client

from vigil.accounts.models import User
from vigil.organisations.models import Organisation
from vigil.registers import queries, services, tabular, wire
from vigil.registers.spec import REGISTERS, RegisterSpec

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hasher")]

SPECS = sorted(REGISTERS.values(), key=lambda spec: spec.slug)


def spec_param() -> list[object]:
    return [pytest.param(spec, id=spec.slug) for spec in SPECS]


def same_value(exported: str, given: str) -> bool:
    """Compare two wire texts; a date-time is the same moment in any zone."""
    if exported.lower() == given.lower():
        return True
    try:
        moments = (
            datetime.datetime.fromisoformat(exported),
            datetime.datetime.fromisoformat(given),
        )
    except ValueError:
        return False
    return moments[0] == moments[1]


def test_registers_are_installed() -> None:
    assert "activities" in REGISTERS


@pytest.mark.parametrize("spec", spec_param())
def test_example_is_valid_and_exports_again(
    spec: RegisterSpec, centre_a: Organisation
) -> None:
    example = spec.example(centre_a)
    record = services.create_record(spec, centre_a, example, actor=None)

    exported = services.render_export(spec, queries.records(spec, centre_a), "csv")
    rows = tabular.read_table(exported)
    services.import_rows(spec, centre_a, rows, actor=None)

    assert queries.records(spec, centre_a).count() == 1
    texts = dict(zip(wire.header(spec), wire.text_row(spec, record), strict=True))
    for name, value in example.items():
        assert same_value(texts[name], str(value)), name


@pytest.mark.parametrize("spec", spec_param())
def test_pages_show_the_example(
    spec: RegisterSpec, client: Client, consultant_a: User, centre_a: Organisation
) -> None:
    record = services.create_record(spec, centre_a, spec.example(centre_a), actor=None)
    client.force_login(consultant_a)
    base = f"/c/{centre_a.slug}/registers/{spec.slug}/"

    listing = client.get(base)
    detail = client.get(f"{base}{record.pk}/")
    form = client.get(f"{base}{record.pk}/edit/")

    assert listing.status_code == detail.status_code == form.status_code == 200
    assert f'href="{base}{record.pk}/"' in listing.content.decode()
    assert str(record) in detail.content.decode()
    assert client.get(base + "export.xlsx").status_code == 200


@pytest.mark.parametrize("spec", spec_param())
def test_page_form_creates_the_example(
    spec: RegisterSpec, client: Client, consultant_a: User, centre_a: Organisation
) -> None:
    client.force_login(consultant_a)
    example = spec.example(centre_a)
    from vigil.registers.forms import form_data

    data = form_data(spec, centre_a, example)

    response = client.post(f"/c/{centre_a.slug}/registers/{spec.slug}/new/", data)

    assert response.status_code == 302, response.content.decode()[-2000:]
    assert queries.records(spec, centre_a).count() == 1


@pytest.mark.parametrize("spec", spec_param())
def test_api_creates_and_reads_the_example(
    spec: RegisterSpec, client: Client, consultant_a: User, centre_a: Organisation
) -> None:
    client.force_login(consultant_a)
    url = f"/api/v1/centres/{centre_a.slug}/registers/{spec.slug}/"

    created = client.post(
        url, json.dumps(spec.example(centre_a)), content_type="application/json"
    )
    listing = client.get(url).json()

    assert created.status_code == 201, created.content
    assert listing["count"] == 1
    assert listing["results"][0]["id"] == created.json()["id"]
    assert client.get(created.json()["url"]).status_code == 200


@pytest.mark.parametrize("spec", spec_param())
def test_other_centre_cannot_see_the_record(
    spec: RegisterSpec,
    client: Client,
    consultant_b: User,
    centre_a: Organisation,
    centre_b: Organisation,
) -> None:
    record = services.create_record(spec, centre_a, spec.example(centre_a), actor=None)
    client.force_login(consultant_b)

    own_url = f"/c/{centre_b.slug}/registers/{spec.slug}/{record.pk}/"
    api_url = f"/api/v1/centres/{centre_b.slug}/registers/{spec.slug}/{record.pk}"

    assert client.get(own_url).status_code == 404
    assert client.get(api_url).status_code == 404
    assert client.get(f"/c/{centre_b.slug}/registers/{spec.slug}/").status_code == 200
