"""The media page, the scheme form's checks and the demo records."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone, translation

from tests.backups.factories import scheme
from vigil.accounts.models import User
from vigil.organisations.models import Organisation
from vigil.registers import services as register_services
from vigil.registers.backups import demo, services
from vigil.registers.backups.models import BackupCheck, BackupRun, RestoreTest
from vigil.registers.backups.specs import SCHEMES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hasher")]

URL = "/c/centre-a/backups/media/"


@pytest.fixture
def viewer(client: Client, viewer_a: User) -> Client:
    client.force_login(viewer_a)
    return client


def test_media_page_for_a_friday(viewer: Client) -> None:
    response = viewer.get(URL, {"scheme": "ksz-2005", "date": "2027-01-29"})
    text = response.content.decode()

    assert response.status_code == 200
    chosen = text.split('data-testid="media-chosen"')[1].split("</table>")[0]
    assert "<td>11</td>" in chosen
    assert "<td>12</td>" in chosen
    assert "<td>V</td>" in chosen
    following = text.split('data-testid="media-following"')[1].split("</table>")[0]
    assert following.count("<tr>") == 15  # the heading and 14 days
    last_day, _slots = response.context["following"][-1]
    assert last_day.day == datetime.date(2027, 2, 12)


def test_media_page_defaults_to_today(viewer: Client) -> None:
    response = viewer.get(URL)

    assert response.status_code == 200
    assert response.context["chosen"].day == timezone.localdate()
    assert response.context["scheme"].name == "ksz-2005"


def test_media_page_weekend(viewer: Client) -> None:
    response = viewer.get(URL, {"date": "2026-12-05"})

    assert response.context["chosen_slots"] == []
    assert response.context["no_backup"] in response.content.decode()


def test_media_page_bad_input(viewer: Client, centre_b: Organisation) -> None:
    scheme(centre_b, name="Alleen B")

    response = viewer.get(URL, {"scheme": "Alleen B", "date": "2026-02-30"})

    assert response.status_code == 200
    assert "chosen" not in response.context
    assert set(response.context["form"].errors) == {"scheme", "date"}


def test_media_page_stored_scheme(viewer: Client, centre_a: Organisation) -> None:
    scheme(
        centre_a,
        name="GFS",
        kind="gfs",
        daily_media="4",
        weekly_media="4",
        monthly_media="12",
        weekday="friday",
    )

    response = viewer.get(URL, {"scheme": "GFS", "date": "2026-12-25"})

    assert response.context["chosen_slots"][0][1] == "M12"


def test_scheme_needs_its_parameters(centre_a: Organisation) -> None:
    with (
        translation.override("en"),
        pytest.raises(register_services.RecordInvalid) as invalid,
    ):
        scheme(centre_a, name="GFS", kind="gfs", daily_media="0", weekly_media="4")

    errors = invalid.value.errors
    assert set(errors) == {"daily_media", "monthly_media", "weekday"}
    assert errors["daily_media"] == ["0 is out of range; use a number from 1 to 52."]
    assert errors["weekday"] == ["Required for this kind of scheme; fill it in."]


def test_scheme_name_ksz_is_reserved(centre_a: Organisation) -> None:
    with pytest.raises(register_services.RecordInvalid) as invalid:
        scheme(centre_a, name="KSZ-2005")

    assert set(invalid.value.errors) == {"name"}


def test_scheme_name_unique_per_centre(
    centre_a: Organisation, centre_b: Organisation
) -> None:
    scheme(centre_a, name="Serverlokaal")
    scheme(centre_b, name="Serverlokaal")

    with pytest.raises(register_services.RecordInvalid):
        scheme(centre_a, name="Serverlokaal")


def test_only_one_scheme_in_use(centre_a: Organisation) -> None:
    scheme(centre_a, name="Eerste", in_use="true")

    with pytest.raises(register_services.RecordInvalid) as invalid:
        scheme(centre_a, name="Tweede", in_use="true")

    assert set(invalid.value.errors) == {"in_use"}
    assert "Eerste" in invalid.value.errors["in_use"][0]


def test_demo_shows_every_warning(centre_a: Organisation) -> None:
    today = timezone.localdate()
    demo.populate(centre_a, None, today)
    demo.populate(centre_a, None, today)

    runs = BackupRun.objects.filter(organisation=centre_a)
    assert runs.count() == 14  # 8 incremental runs and 3 on each of 2 Fridays
    assert services.scheme_in_use(centre_a).name == demo.SCHEME_NAME
    with translation.override("en"):
        [out_of_turn] = services.run_warnings(centre_a, today)
    assert out_of_turn.startswith("The incremental backup of ")
    assert "; the scheme gives medium" in out_of_turn
    assert services.check_warnings(centre_a, today) == []
    assert len(services.restore_test_warnings(centre_a, today)) == 1
    assert BackupCheck.objects.filter(organisation=centre_a).count() == 1
    last_test = RestoreTest.objects.get(organisation=centre_a)
    assert last_test.date == today - datetime.timedelta(days=100)


def test_scheme_summary_names_scheme_in_use(centre_a: Organisation) -> None:
    assert SCHEMES.summary is not None
    with translation.override("en"):
        [line] = SCHEMES.summary(centre_a)

    assert line.startswith("Scheme in use: ksz-2005;")
