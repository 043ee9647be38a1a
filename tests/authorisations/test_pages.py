"""The review pages, the authorisation page and the result as evidence."""

import csv
import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.authorisations.factories import authorisation
from tests.conftest import answer_everything, login
from vigil.accesslog.identities import add_identity_period
from vigil.accounts.models import User
from vigil.assessments.models import Evidence
from vigil.assessments.services import create_assessment
from vigil.assessments.sources import EvidencePanel, panels_for
from vigil.catalog.models import CatalogVersion
from vigil.organisations.models import Organisation
from vigil.registers.authorisations import results, reviews
from vigil.registers.authorisations.models import (
    Authorisation,
    ReviewCampaign,
    ReviewLine,
)
from vigil.reports.document import Facts, Table

pytestmark = pytest.mark.usefixtures("fast_password_hasher")

Decision = ReviewLine.Decision
DAY = datetime.timedelta(days=1)


def english(user: User) -> Client:
    client = login(user)
    client.cookies["django_language"] = "en"
    return client


def url(name: str, organisation: Organisation, **kwargs: object) -> str:
    return reverse(
        f"authorisations:{name}", kwargs={"org": organisation.slug, **kwargs}
    )


@pytest.fixture
def records(centre_a: Organisation) -> list[Authorisation]:
    today = timezone.localdate()
    return [
        authorisation(centre_a, "An Peeters", valid_from=today - 100 * DAY),
        authorisation(
            centre_a,
            "Lies Wouters",
            valid_from=today - 100 * DAY,
            application="Active Directory",
            access_level="administer",
        ),
    ]


@pytest.fixture
def campaign(records: list[Authorisation], centre_a: Organisation) -> ReviewCampaign:
    today = timezone.localdate()
    return reviews.start_review(
        centre_a,
        name="Herziening",
        started_on=today - 2 * DAY,
        due_by=today + 20 * DAY,
        actor=None,
    )


def close_all(campaign: ReviewCampaign) -> None:
    for line in campaign.lines.all():
        reviews.decide(line, Decision.CONFIRMED, actor=None, note="ok")
    reviews.close_review(campaign, actor=None)


def test_start_page_creates_campaign(
    records: list[Authorisation], centre_a: Organisation, consultant_a: User
) -> None:
    today = timezone.localdate()
    data = {
        "name": "Herziening AD",
        "started_on": today.isoformat(),
        "due_by": (today + 10 * DAY).isoformat(),
        "application": "Active Directory",
    }

    response = english(consultant_a).post(url("review_start", centre_a), data)

    campaign = ReviewCampaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("review", centre_a, pk=campaign.pk)
    assert campaign.lines.get().authorisation == records[1]


def test_start_page_shows_error(
    records: list[Authorisation], centre_a: Organisation, consultant_a: User
) -> None:
    today = timezone.localdate()
    data = {
        "name": "Herziening",
        "started_on": today.isoformat(),
        "due_by": (today - DAY).isoformat(),
    }

    response = english(consultant_a).post(url("review_start", centre_a), data)

    assert response.status_code == 400
    assert "is before the start" in response.content.decode()
    assert not ReviewCampaign.objects.exists()


def test_detail_lists_lines_and_forms(
    campaign: ReviewCampaign, centre_a: Organisation, consultant_a: User
) -> None:
    response = english(consultant_a).get(url("review", centre_a, pk=campaign.pk))

    page = response.content.decode()
    assert response.status_code == 200
    assert "An Peeters" in page
    assert "Lies Wouters" in page
    assert page.count('data-testid="decision-form"') == 2
    assert "Close the review" in page


def test_viewer_sees_no_forms(
    campaign: ReviewCampaign, centre_a: Organisation, viewer_a: User
) -> None:
    response = english(viewer_a).get(url("review", centre_a, pk=campaign.pk))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="decision-form"' not in page
    assert "Close the review" not in page


def test_decide_page_revokes(
    campaign: ReviewCampaign,
    records: list[Authorisation],
    centre_a: Organisation,
    consultant_a: User,
) -> None:
    line = campaign.lines.get(authorisation=records[0])
    today = timezone.localdate()
    prefix = f"line-{line.pk}"
    data = {
        f"{prefix}-decision": "revoked",
        f"{prefix}-decided_on": today.isoformat(),
        f"{prefix}-note": "Vertrokken",
    }

    response = english(consultant_a).post(
        url("review_decide", centre_a, pk=campaign.pk, line=line.pk), data
    )

    assert response.status_code == 302
    records[0].refresh_from_db()
    assert records[0].valid_until == today
    line.refresh_from_db()
    assert line.decided_by == consultant_a
    assert line.note == "Vertrokken"


def test_decide_page_changes(
    campaign: ReviewCampaign,
    records: list[Authorisation],
    centre_a: Organisation,
    consultant_a: User,
) -> None:
    line = campaign.lines.get(authorisation=records[1])
    prefix = f"line-{line.pk}"
    data = {
        f"{prefix}-decision": "changed",
        f"{prefix}-decided_on": timezone.localdate().isoformat(),
        f"{prefix}-change_access_level": "write",
    }

    response = english(consultant_a).post(
        url("review_decide", centre_a, pk=campaign.pk, line=line.pk), data
    )

    assert response.status_code == 302
    records[1].refresh_from_db()
    assert records[1].access_level == "write"


def test_decide_page_shows_error(
    campaign: ReviewCampaign, centre_a: Organisation, consultant_a: User
) -> None:
    line = campaign.lines.order_by("id").first()
    assert line is not None
    prefix = f"line-{line.pk}"
    data = {
        f"{prefix}-decision": "changed",
        f"{prefix}-decided_on": timezone.localdate().isoformat(),
    }

    response = english(consultant_a).post(
        url("review_decide", centre_a, pk=campaign.pk, line=line.pk), data
    )

    assert response.status_code == 400
    assert "Changed needs at least one new value" in response.content.decode()
    line.refresh_from_db()
    assert line.is_open


def test_decide_line_of_other_campaign_404(
    campaign: ReviewCampaign,
    records: list[Authorisation],
    centre_a: Organisation,
    consultant_a: User,
) -> None:
    other = reviews.start_review(
        centre_a,
        name="Andere",
        started_on=campaign.started_on,
        due_by=campaign.due_by,
        actor=None,
    )
    line = other.lines.order_by("id").first()
    assert line is not None

    response = english(consultant_a).post(
        url("review_decide", centre_a, pk=campaign.pk, line=line.pk),
        {f"line-{line.pk}-decision": "confirmed"},
    )

    assert response.status_code == 404


def test_close_page_refuses_open_lines(
    campaign: ReviewCampaign, centre_a: Organisation, consultant_a: User
) -> None:
    client = english(consultant_a)

    response = client.post(url("review_close", centre_a, pk=campaign.pk), follow=True)

    assert "2 lines of review Herziening are still open" in response.content.decode()
    campaign.refresh_from_db()
    assert not campaign.is_closed


def test_closed_campaign_page_frozen(
    campaign: ReviewCampaign, centre_a: Organisation, consultant_a: User
) -> None:
    close_all(campaign)

    response = english(consultant_a).get(url("review", centre_a, pk=campaign.pk))

    page = response.content.decode()
    assert 'data-testid="review-frozen"' in page
    assert 'data-testid="decision-form"' not in page
    assert "Close the review" not in page


def test_result_csv(
    campaign: ReviewCampaign, centre_a: Organisation, viewer_a: User
) -> None:
    close_all(campaign)

    response = english(viewer_a).get(
        url("review_export", centre_a, pk=campaign.pk, fmt="csv")
    )

    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert response.status_code == 200
    assert rows[0] == list(results.COLUMNS)
    assert [row[2] for row in rows[1:]] == ["An Peeters", "Lies Wouters"]
    assert {row[10] for row in rows[1:]} == {"confirmed"}
    assert rows[1][13] == "ok"


def test_result_xlsx(
    campaign: ReviewCampaign, centre_a: Organisation, viewer_a: User
) -> None:
    close_all(campaign)

    response = english(viewer_a).get(
        url("review_export", centre_a, pk=campaign.pk, fmt="xlsx")
    )

    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.cell(row=1, column=3).value == "person_name"
    assert sheet.cell(row=3, column=3).value == "Lies Wouters"
    assert sheet.cell(row=3, column=8).value == "administer"


def test_result_unknown_format_404(
    campaign: ReviewCampaign, centre_a: Organisation, viewer_a: User
) -> None:
    response = english(viewer_a).get(
        url("review_export", centre_a, pk=campaign.pk, fmt="docx")
    )

    assert response.status_code == 404


def test_result_document_text(campaign: ReviewCampaign) -> None:
    close_all(campaign)

    document = results.result_document(campaign, "en")

    facts, table = document.blocks[1], document.blocks[3]
    assert isinstance(facts, Facts)
    assert isinstance(table, Table)
    assert document.subtitle == "Herziening"
    rows = dict(facts.rows)
    assert rows["Lines"] == "2"
    assert rows["Confirmed"] == "2"
    assert rows["Status"] == "closed"
    assert [row[0] for row in table.rows] == ["An Peeters", "Lies Wouters"]


def test_authorisation_page_shows_identities(
    centre_a: Organisation, consultant_a: User
) -> None:
    with_period = authorisation(centre_a, "An Peeters", user_id="U100201")
    without = authorisation(centre_a, "Bart Claes", user_id="U100202")
    zone = ZoneInfo("Europe/Brussels")
    add_identity_period(
        centre_a,
        "U100201",
        "An Peeters (natuurlijke persoon)",
        datetime.datetime(2024, 1, 1, tzinfo=zone),
        actor=None,
    )
    client = english(consultant_a)

    def page_of(record: Authorisation) -> str:
        address = reverse(
            "registers:detail",
            kwargs={
                "org": centre_a.slug,
                "register": "authorisations",
                "pk": record.pk,
            },
        )
        return client.get(address).content.decode()

    shown = page_of(with_period)
    missing = page_of(without)
    assert "An Peeters (natuurlijke persoon)" in shown
    assert 'data-testid="identity-warning"' not in shown
    assert 'data-testid="identity-warning"' in missing
    assert "has no period for user id U100202" in missing


def review_panels(organisation: Organisation, keys: list[str]) -> list[EvidencePanel]:
    return [
        panel
        for panel in panels_for(organisation, keys, 2026, "4.4.1")
        if panel.key == "authorisation-reviews"
    ]


def test_norm_panel_shows_last_review(
    campaign: ReviewCampaign, catalog: CatalogVersion, centre_a: Organisation
) -> None:
    (before,) = review_panels(centre_a, ["authorisations"])
    close_all(campaign)

    (panel,) = review_panels(centre_a, ["authorisations"])

    assert before.count == 0
    assert before.lines == ["No review closed yet."]
    assert panel.count == 1
    assert panel.lines[1] == "2 lines: 2 confirmed, 0 changed, 0 revoked."
    assert panel.url == url("review", centre_a, pk=campaign.pk)
    assert panel.attach_url.endswith("/evidence/2026/4.4.1/")
    assert review_panels(centre_a, ["backups"]) == []


def test_attach_result_to_norm(
    campaign: ReviewCampaign,
    catalog: CatalogVersion,
    centre_a: Organisation,
    consultant_a: User,
) -> None:
    assessment = create_assessment(centre_a, 2026, actor=None)
    answer_everything(assessment)
    close_all(campaign)

    response = english(consultant_a).post(
        url("review_attach", centre_a, pk=campaign.pk, year=2026, code="4.4.1")
    )

    assert response.status_code == 302
    item = Evidence.objects.get(answer__norm__code="4.4.1")
    assert item.original_name.startswith(f"authorisation-review-{campaign.pk}-")
    assert item.original_name.endswith(".xlsx")


def test_attach_open_review_refused(
    campaign: ReviewCampaign,
    catalog: CatalogVersion,
    centre_a: Organisation,
    consultant_a: User,
) -> None:
    create_assessment(centre_a, 2026, actor=None)

    response = english(consultant_a).post(
        url("review_attach", centre_a, pk=campaign.pk, year=2026, code="4.4.1"),
        follow=True,
    )

    assert "is still open; close it before attaching it" in response.content.decode()
    assert not Evidence.objects.exists()


def test_list_page_shows_campaigns(
    campaign: ReviewCampaign, centre_a: Organisation, viewer_a: User
) -> None:
    response = english(viewer_a).get(url("reviews", centre_a))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Herziening" in page
    assert "Start a review" not in page


def test_result_pdf(
    campaign: ReviewCampaign, centre_a: Organisation, viewer_a: User
) -> None:
    close_all(campaign)

    response = english(viewer_a).get(
        url("review_export", centre_a, pk=campaign.pk, fmt="pdf")
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_dutch_page_translated(
    campaign: ReviewCampaign, centre_a: Organisation, consultant_a: User
) -> None:
    client = login(consultant_a)
    client.cookies["django_language"] = "nl"

    page = client.get(url("review", centre_a, pk=campaign.pk)).content.decode()

    assert "Herziening afsluiten" in page
    assert "Beslissing noteren" in page


def test_start_form_offers_applications(
    records: list[Authorisation],
    centre_a: Organisation,
    centre_b: Organisation,
    consultant_a: User,
) -> None:
    authorisation(centre_b, "Eva Dubois", application="Logiciel du CPAS B")

    page = english(consultant_a).get(url("review_start", centre_a)).content.decode()

    assert '<option value="Active Directory">' in page
    assert '<option value="Sociaal dossier">' in page
    assert "Logiciel du CPAS B" not in page


def test_htmx_decision_returns_row(
    campaign: ReviewCampaign, centre_a: Organisation, consultant_a: User
) -> None:
    line = campaign.lines.order_by("id").first()
    assert line is not None
    prefix = f"line-{line.pk}"
    data = {
        f"{prefix}-decision": "confirmed",
        f"{prefix}-decided_on": timezone.localdate().isoformat(),
    }

    response = english(consultant_a).post(
        url("review_decide", centre_a, pk=campaign.pk, line=line.pk),
        data,
        headers={"HX-Request": "true"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert page.startswith(f'<tr id="line-{line.pk}">')
    assert "<b>confirmed</b>" in page
    assert 'hx-swap-oob="true"' in page
    assert "<td>2</td><td>1</td><td>0</td><td>0</td><td>1</td>" in page


def test_htmx_rejected_decision_keeps_form(
    campaign: ReviewCampaign, centre_a: Organisation, consultant_a: User
) -> None:
    line = campaign.lines.order_by("id").first()
    assert line is not None
    prefix = f"line-{line.pk}"
    data = {
        f"{prefix}-decision": "changed",
        f"{prefix}-decided_on": timezone.localdate().isoformat(),
    }

    response = english(consultant_a).post(
        url("review_decide", centre_a, pk=campaign.pk, line=line.pk),
        data,
        headers={"HX-Request": "true"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="decision-form"' in page
    assert "Changed needs at least one new value" in page
    line.refresh_from_db()
    assert line.is_open
