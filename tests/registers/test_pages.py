"""The generic register pages: list, search, filters, forms, import, evidence."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from vigil.accounts.models import User
from vigil.assessments.models import Evidence
from vigil.assessments.services import create_assessment
from vigil.catalog.models import CatalogVersion
from vigil.organisations.models import Organisation
from vigil.registers import services
from vigil.registers.activities.models import Activity
from vigil.registers.activities.specs import ACTIVITIES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hasher")]

BASE = "/c/centre-a/registers/activities/"


def add(organisation: Organisation, **values: Any) -> Activity:
    data = {"kind": "training", "date": "2026-03-12", "subject": "Phishing"}
    data.update(values)
    record = services.create_record(ACTIVITIES, organisation, data, actor=None)
    assert isinstance(record, Activity)
    return record


@pytest.fixture
def consultant(client: Client, consultant_a: User) -> Client:
    client.force_login(consultant_a)
    return client


def test_search_and_filter(consultant: Client, centre_a: Organisation) -> None:
    add(centre_a, subject="Phishing for social workers")
    add(centre_a, subject="Back-up procedure", kind="advice")
    add(centre_a, subject="Overleg", kind="meeting", participants="phishing team")

    text = consultant.get(BASE, {"q": "phishing"}).content.decode()
    kind = consultant.get(BASE, {"kind": "advice"}).content.decode()

    assert "Phishing for social workers" in text and "Overleg" in text
    assert "Back-up procedure" not in text
    assert "Back-up procedure" in kind and "Overleg" not in kind


def test_unknown_filter_value_is_ignored(
    consultant: Client, centre_a: Organisation
) -> None:
    add(centre_a)

    page = consultant.get(BASE, {"kind": "party"})

    assert page.status_code == 200
    assert "Phishing" in page.content.decode()


def test_form_errors_keep_the_input(consultant: Client) -> None:
    response = consultant.post(
        BASE + "new/", {"kind": "training", "date": "12/03/2026", "subject": "Kept"}
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert "2026-03-12" in body
    assert 'value="Kept"' in body
    assert Activity.objects.count() == 0


def test_history_shows_old_and_new(consultant: Client, centre_a: Organisation) -> None:
    record = add(centre_a)
    consultant.post(
        f"{BASE}{record.pk}/edit/",
        {
            "kind": "training",
            "date": "2026-03-12",
            "subject": "Renamed",
            "status": "done",
        },
    )

    body = consultant.get(f"{BASE}{record.pk}/").content.decode()

    assert "Phishing" in body and "Renamed" in body
    assert "consultant@a.test" in body


def test_import_page_lists_every_bad_row(consultant: Client) -> None:
    content = b"kind,date,subject\nparty,2026-01-01,A\ntraining,2026-01-01,\n"

    response = consultant.post(
        BASE + "import/",
        {"file": SimpleUploadedFile("a.csv", content)},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert "line 2, kind &#x27;party&#x27;" in body
    assert "line 3, subject" in body
    assert Activity.objects.count() == 0


def test_import_page_french_colons(consultant: Client) -> None:
    content = b"kind,date,subject\nparty,2026-01-01,A\n"

    form = consultant.get(BASE + "import/", HTTP_ACCEPT_LANGUAGE="fr")
    rejected = consultant.post(
        BASE + "import/",
        {"file": SimpleUploadedFile("a.csv", content)},
        HTTP_ACCEPT_LANGUAGE="fr",
    )

    with translation.override("fr"):
        columns = gettext("Columns")
    assert f"{columns}\u00a0: <code>id</code>" in form.content.decode()
    assert "ligne 2, kind &#x27;party&#x27;\u00a0: " in rejected.content.decode()


def test_import_page_without_file(consultant: Client) -> None:
    response = consultant.post(BASE + "import/", {})

    assert response.status_code == 400


def test_export_follows_the_search(consultant: Client, centre_a: Organisation) -> None:
    add(centre_a, subject="Kept row")
    add(centre_a, subject="Other row")

    response = consultant.get(BASE + "export.csv", {"q": "kept"})

    text = response.content.decode("utf-8-sig")
    assert response["Content-Disposition"] == (
        'attachment; filename="centre-a-activities.csv"'
    )
    assert "Kept row" in text and "Other row" not in text
    assert consultant.get(BASE + "export.pdf").status_code == 404


def test_unknown_register_is_404(consultant: Client) -> None:
    assert consultant.get("/c/centre-a/registers/nothing/").status_code == 404


def test_attachment_download_is_never_inline(
    consultant: Client, centre_a: Organisation
) -> None:
    record = add(centre_a)
    upload = SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 minutes")
    attachment = services.add_attachment(record, upload, actor=None)

    response = consultant.get(f"{BASE}{record.pk}/files/{attachment.pk}/")

    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/octet-stream"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 minutes"  # type: ignore[attr-defined]


def test_norm_page_shows_the_register_and_attaches_it(
    consultant: Client, centre_a: Organisation, catalog: CatalogVersion
) -> None:
    create_assessment(centre_a, 2026, actor=None)
    add(centre_a, kind="meeting", subject="Overleg met het directiecomité")
    norm_url = "/c/centre-a/questionnaires/2026/norms/4.2.1.8/"

    page = consultant.get(norm_url).content.decode()
    response = consultant.post(f"{BASE}evidence/2026/4.2.1.8/")

    assert 'data-testid="register-panels"' in page
    assert "Activities, advices and trainings" in page or "activities" in page
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.original_name.startswith("activities-")
    assert evidence.answer.norm.code == "4.2.1.8"


def test_register_cannot_be_evidence_for_another_norm(
    consultant: Client, centre_a: Organisation, catalog: CatalogVersion
) -> None:
    create_assessment(centre_a, 2026, actor=None)

    consultant.post(f"{BASE}evidence/2026/4.8/")

    assert Evidence.objects.count() == 0


def test_foreign_key_filter_offers_the_centre_s_records(
    consultant: Client, centre_a: Organisation, centre_b: Organisation
) -> None:
    from vigil.organisations.models import Site
    from vigil.registers.sites.specs import KEYS

    main = Site.objects.create(organisation=centre_a, name="Hoofdgebouw")
    annex = Site.objects.create(organisation=centre_a, name="Annex")
    other = Site.objects.create(organisation=centre_b, name="Elders")
    for site, holder in ((main, "An Main"), (annex, "Bo Annex")):
        values = {**KEYS.example(centre_a), "site": site.name, "holder": holder}
        services.create_record(KEYS, centre_a, values, actor=None)
    url = "/c/centre-a/registers/keys/"

    chosen = consultant.get(url, {"site": annex.pk}).content.decode()
    foreign = consultant.get(url, {"site": other.pk}).content.decode()

    assert f'<option value="{main.pk}"' in chosen
    assert "Elders" not in chosen
    assert "Bo Annex" in chosen and "An Main" not in chosen
    assert "Bo Annex" in foreign and "An Main" in foreign
