"""The consultant register: creating, validating, importing and exporting."""

from decimal import Decimal

import pytest
from django.test import Client

from tests.consultants.conftest import appointment
from vigil.accounts.models import User
from vigil.organisations.models import Organisation
from vigil.registers import services
from vigil.registers.consultants.models import Consultant
from vigil.registers.consultants.specs import CONSULTANTS

pytestmark = pytest.mark.usefixtures("fast_password_hasher")


def test_create_via_service_writes_history(centre_a: Organisation) -> None:
    record = appointment(centre_a)

    assert record.name == "Els Vermeulen"
    assert record.role == Consultant.Role.CONSULTANT
    assert record.hours_per_week == Decimal(8)
    (entry,) = services.history(record)
    assert entry.action == "register.record_created"
    assert entry.new_values["decision_reference"] == "RMW 2025/142"


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"end_date": "2025-12-31"}, "end_date", "before start date 2026-01-01"),
        ({"hours_per_week": "0"}, "hours_per_week", "more than 0 and at most 40"),
        ({"hours_per_week": "40.5"}, "hours_per_week", "40.5 hours per week"),
        ({"shared_service": "true"}, "association", "name the association"),
        ({"role": "boss"}, "role", "boss"),
    ],
)
def test_invalid_values_name_field(
    centre_a: Organisation, changes: dict[str, str], field: str, fragment: str
) -> None:
    values = {**CONSULTANTS.example(centre_a), **changes}

    with pytest.raises(services.RecordInvalid) as caught:
        services.create_record(CONSULTANTS, centre_a, values, actor=None)

    assert list(caught.value.errors) == [field]
    assert fragment in " ".join(caught.value.errors[field])
    assert Consultant.objects.count() == 0


def test_forty_hours_is_accepted(centre_a: Organisation) -> None:
    record = appointment(centre_a, hours_per_week="40")

    assert record.hours_per_week == Decimal(40)


def test_overlapping_consultant_names_other(centre_a: Organisation) -> None:
    first = appointment(centre_a, name="Jan Claes", start_date="2024-01-01")
    values = {**CONSULTANTS.example(centre_a), "start_date": "2025-06-01"}

    with pytest.raises(services.RecordInvalid) as caught:
        services.create_record(CONSULTANTS, centre_a, values, actor=None)

    message = " ".join(caught.value.errors["start_date"])
    assert "Jan Claes" in message
    assert f"record {first.pk}" in message
    assert "from 2024-01-01 to no end date" in message


def test_consecutive_consultants_are_accepted(centre_a: Organisation) -> None:
    appointment(centre_a, start_date="2020-01-01", end_date="2025-12-31")
    appointment(centre_a, name="Nieuwe Consulent", start_date="2026-01-01")

    assert Consultant.objects.filter(organisation=centre_a).count() == 2


def test_deputy_may_overlap_consultant(centre_a: Organisation) -> None:
    appointment(centre_a)
    deputy = appointment(centre_a, name="An Wouters", role="deputy")

    assert deputy.role == Consultant.Role.DEPUTY


def test_other_centre_does_not_overlap(
    centre_a: Organisation, centre_b: Organisation
) -> None:
    appointment(centre_a)
    other = appointment(centre_b)

    assert other.organisation == centre_b


def test_update_keeps_own_period(centre_a: Organisation) -> None:
    record = appointment(centre_a)

    services.update_record(CONSULTANTS, record, {"hours_per_week": "12"}, actor=None)

    record.refresh_from_db()
    assert str(record.hours_per_week) == "12.0"


def test_create_via_page(consultant_a: User, centre_a: Organisation) -> None:
    client = Client()
    client.force_login(consultant_a)
    url = f"/c/{centre_a.slug}/registers/consultants/new/"

    response = client.post(url, CONSULTANTS.example(centre_a))

    record = Consultant.objects.get(organisation=centre_a)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/consultants/{record.pk}/")
    page = client.get(response["Location"])
    assert "Els Vermeulen" in page.content.decode()
    assert 'data-testid="consultant-notifications"' in page.content.decode()


def test_page_shows_overlap_error(consultant_a: User, centre_a: Organisation) -> None:
    appointment(centre_a, name="Jan Claes", start_date="2024-01-01")
    client = Client()
    client.force_login(consultant_a)
    url = f"/c/{centre_a.slug}/registers/consultants/new/"

    with_language = {**CONSULTANTS.example(centre_a), "start_date": "2025-06-01"}
    response = client.post(url, with_language, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "Jan Claes" in response.content.decode()
    assert Consultant.objects.filter(organisation=centre_a).count() == 1


HEADER = (
    "name,email,role,start_date,decision_date,decision_body,decision_reference,"
    "hours_per_week,shared_service,association\r\n"
)


def test_import_good_file(centre_a: Organisation) -> None:
    content = (
        HEADER
        + "Els Vermeulen,els@ocmw.example,consultant,2026-01-01,2025-12-16,council,"
        "RMW 2025/142,8,ja,Welzijnsvereniging Meetjesland\r\n"
        "An Wouters,an@ocmw.example,deputy,2026-01-01,2025-12-16,"
        "secretary_general,BA 2025/9,4,nee,\r\n"
    ).encode()

    rows = services.read_rows(CONSULTANTS, content)
    result = services.import_rows(CONSULTANTS, centre_a, rows, actor=None)

    assert (result.created, result.updated) == (2, 0)
    consultant = Consultant.objects.get(organisation=centre_a, role="consultant")
    assert consultant.shared_service is True
    assert consultant.association == "Welzijnsvereniging Meetjesland"


def test_import_bad_file_saves_nothing(centre_a: Organisation) -> None:
    content = (
        HEADER
        + "Els Vermeulen,els@ocmw.example,consultant,2026-01-01,2025-12-16,council,"
        "RMW 1,8,nee,\r\n"
        "An Wouters,an@ocmw.example,deputy,2026-01-01,2025-12-16,council,"
        "RMW 2,45,nee,\r\n"
    ).encode()

    rows = services.read_rows(CONSULTANTS, content)
    with pytest.raises(services.ImportRejected) as caught:
        services.import_rows(CONSULTANTS, centre_a, rows, actor=None)

    (error,) = caught.value.errors
    assert error.line == 3
    assert error.field == "hours_per_week"
    assert error.value == "45"
    assert Consultant.objects.count() == 0


def test_import_overlap_within_file(centre_a: Organisation) -> None:
    content = (
        HEADER
        + "Els Vermeulen,,consultant,2026-01-01,2025-12-16,council,RMW 1,8,nee,\r\n"
        "Jan Claes,,consultant,2026-03-01,2026-02-16,council,RMW 2,8,nee,\r\n"
    ).encode()

    rows = services.read_rows(CONSULTANTS, content)
    with pytest.raises(services.ImportRejected) as caught:
        services.import_rows(CONSULTANTS, centre_a, rows, actor=None)

    (error,) = caught.value.errors
    assert error.line == 3
    assert error.field == "start_date"
    assert "Els Vermeulen" in error.message
    assert Consultant.objects.count() == 0


def test_export_round_trip(centre_a: Organisation) -> None:
    record = appointment(centre_a, shared_service="true", association="IGS Regio")
    appointment(centre_a, name="An Wouters", role="deputy", phone="+32 9 1")
    exported = services.render_export(
        CONSULTANTS, Consultant.objects.filter(organisation=centre_a), "csv"
    )

    rows = services.read_rows(CONSULTANTS, exported)
    result = services.import_rows(CONSULTANTS, centre_a, rows, actor=None)

    assert (result.created, result.updated) == (0, 2)
    again = services.render_export(
        CONSULTANTS, Consultant.objects.filter(organisation=centre_a), "csv"
    )
    assert again == exported
    text = exported.decode("utf-8-sig")
    assert f"{record.pk}," in text
    assert "IGS Regio" in text
    assert len(services.history(record)) == 1
