"""Messages of the register forms: the field, the value and the fix."""

import datetime

import pytest
from django.utils import translation

from tests.conftest import login
from vigil.accounts.models import User
from vigil.isodate import explain_invalid_date
from vigil.organisations.models import Organisation
from vigil.registers import services
from vigil.registers.forms import build_form
from vigil.registers.spec import get_spec
from vigil.registers.wire import json_values

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hasher")]


@pytest.fixture(autouse=True)
def _english() -> object:
    with translation.override("en"):
        yield


def budget_errors(organisation: Organisation, **values: str) -> dict[str, list[str]]:
    spec = get_spec("security-budget")
    assert spec is not None
    form = build_form(spec, organisation, {"approved_amount": "100", **values})

    assert not form.is_valid()
    return {name: [str(m) for m in errors] for name, errors in form.errors.items()}


def test_negative_amount_names_field_value_range(centre_a: Organisation) -> None:
    errors = budget_errors(centre_a, year="2026", approved_amount="-5")

    assert errors["approved_amount"] == [
        "Approved amount (EUR): -5 is below the minimum of 0; give 0 or more."
    ]


def test_year_above_maximum_names_range(centre_a: Organisation) -> None:
    errors = budget_errors(centre_a, year="2200")

    assert errors["year"] == [
        "Year: 2200 is above the maximum of 2100; give a value from 2000 to 2100."
    ]


def test_year_below_minimum_names_range(centre_a: Organisation) -> None:
    errors = budget_errors(centre_a, year="1999")

    assert errors["year"] == [
        "Year: 1999 is below the minimum of 2000; give a value from 2000 to 2100."
    ]


def test_number_box_has_server_limits(centre_a: Organisation) -> None:
    spec = get_spec("security-budget")
    assert spec is not None
    form = build_form(spec, centre_a)

    year = str(form["year"])
    amount = str(form["approved_amount"])

    assert 'min="2000"' in year
    assert 'max="2100"' in year
    assert 'min="0"' in amount
    assert "max=" not in amount


def test_second_budget_names_year(centre_a: Organisation) -> None:
    spec = get_spec("security-budget")
    assert spec is not None
    services.create_record(
        spec, centre_a, {"year": 2026, "approved_amount": "100"}, actor=None
    )

    with pytest.raises(services.RecordInvalid) as raised:
        services.create_record(
            spec, centre_a, {"year": 2026, "approved_amount": "200"}, actor=None
        )

    assert raised.value.errors["__all__"] == [
        "Security budget with year 2026 already exists in this centre; "
        "edit the existing record instead of adding another."
    ]
    assert spec.model._default_manager.filter(organisation=centre_a).count() == 1


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2027-02-30", "“2027-02-30” is not a date: February 2027 has 28 days;"),
        ("2028-02-30", "“2028-02-30” is not a date: February 2028 has 29 days;"),
        ("2026-04-31", "“2026-04-31” is not a date: April 2026 has 30 days;"),
        ("2026-13-01", "“2026-13-01” is not a date: there is no month 13;"),
        ("0000-01-01", "“0000-01-01” is not a date: there is no year 0;"),
        ("11/01/2026", "“11/01/2026” is not a date; write it as YYYY-MM-DD"),
    ],
)
def test_invalid_date_explained(text: str, reason: str) -> None:
    message = explain_invalid_date(text)

    assert message.startswith(reason)
    assert "2026-03-12" in message


def test_register_form_explains_date(centre_a: Organisation) -> None:
    spec = get_spec("server-room-checks")
    assert spec is not None
    form = build_form(spec, centre_a, {"date": "2027-02-30"})

    assert not form.is_valid()
    assert form.errors["date"] == [
        "“2027-02-30” is not a date: February 2027 has 28 days; write "
        "YYYY-MM-DD, for example 2026-03-12."
    ]


def test_invalid_date_in_dutch() -> None:
    with translation.override("nl"):
        message = explain_invalid_date("2027-02-30")

    assert message.startswith("“2027-02-30” is geen datum: februari 2027 heeft 28")


def test_rejected_edit_keeps_stored_heading(
    centre_a: Organisation, consultant_a: User
) -> None:
    spec = get_spec("activities")
    assert spec is not None
    record = services.create_record(
        spec,
        centre_a,
        {"kind": "advice", "date": "2026-02-07", "subject": "Stored subject"},
        actor=None,
    )
    data = {
        **{k: "" if v is None else v for k, v in json_values(spec, record).items()},
        "subject": "Unsaved subject",
        "date": "2027-02-30",
    }
    data.pop("id", None)

    response = login(consultant_a).post(
        f"/c/centre-a/registers/activities/{record.pk}/edit/",
        data,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    text = response.content.decode()
    heading = text.split("<h1>", 1)[1].split("</h1>", 1)[0]

    assert response.status_code == 400
    assert "Stored subject" in heading
    assert "Unsaved subject" not in heading
    assert 'value="Unsaved subject"' in text
    stored = type(record)._default_manager.get(pk=record.pk)
    assert stored.date == datetime.date(2026, 2, 7)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("language", "register", "field", "message"),
    [
        (
            "en",
            "software",
            "installed_on",
            "No hardware item with inventory tag 'INV-9' in this centre; add it first.",
        ),
        (
            "nl",
            "hardware",
            "site",
            "Geen vestiging met naam 'Annex' in dit OCMW; voeg die eerst toe.",
        ),
        (
            "fr",
            "hardware",
            "site",
            "Ce CPAS n'a aucun enregistrement «\u00a0site\u00a0» dont le champ "
            "«\u00a0nom\u00a0» vaut 'Annex'\u00a0; ajoutez-le d'abord.",
        ),
    ],
)
def test_unknown_reference_names_field_label(
    centre_a: Organisation, language: str, register: str, field: str, message: str
) -> None:
    spec = get_spec(register)
    assert spec is not None
    value = "INV-9" if field == "installed_on" else "Annex"

    with (
        translation.override(language),
        pytest.raises(services.RecordInvalid) as raised,
    ):
        services.create_record(spec, centre_a, {field: value}, actor=None)

    assert raised.value.errors[field] == [message]
