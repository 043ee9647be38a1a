"""The audit schedule page, the record pages and the follow-up report."""

import datetime
import io

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from odf import teletype
from odf.opendocument import load as load_odt
from pypdf import PdfReader

from tests.audits.factories import add_audit, add_finding
from vigil.accounts.models import User
from vigil.catalog.models import CatalogVersion
from vigil.organisations.models import Organisation
from vigil.plans.audits import demo
from vigil.plans.audits.documents import audit_report
from vigil.plans.audits.models import Audit, Finding
from vigil.plans.audits.schedule import DueState, audit_due
from vigil.reports.document import Facts, Paragraph, Table

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hasher")]

SCHEDULE = "/c/centre-a/audits/"


@pytest.fixture
def consultant(client: Client, consultant_a: User) -> Client:
    client.force_login(consultant_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def viewer(client: Client, viewer_a: User) -> Client:
    client.force_login(viewer_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_schedule_never_audited(consultant: Client) -> None:
    page = consultant.get(SCHEDULE).content.decode()

    assert "No audit recorded: due now." in page
    assert 'class="warning"' in page
    assert "No audit recorded yet." in page
    assert "/c/centre-a/registers/audits/new/" in page


def test_schedule_lists_audits_and_counts(
    consultant: Client, catalog: CatalogVersion, centre_a: Organisation
) -> None:
    audit = add_audit(centre_a, reference="AUD-2023-04", date="2023-04-20")
    add_finding(centre_a, audit)
    add_finding(centre_a, audit, status="resolved")

    page = consultant.get(SCHEDULE).content.decode()

    assert "AUD-2023-04" in page
    assert "Next audit due on 2027-04-20" in page
    assert f"/c/centre-a/registers/audits/{audit.pk}/" in page
    assert "<td>2</td><td>1</td>" in page
    assert f"/c/centre-a/audits/{audit.pk}/report.pdf" in page


def test_viewer_sees_schedule_without_edit_links(
    viewer: Client, centre_a: Organisation
) -> None:
    add_audit(centre_a)

    page = viewer.get(SCHEDULE).content.decode()

    assert "AUD-2022-01" in page
    assert "/registers/audits/new/" not in page


def test_audit_page_lists_its_findings(
    consultant: Client, catalog: CatalogVersion, centre_a: Organisation
) -> None:
    audit = add_audit(centre_a)
    finding = add_finding(centre_a, audit, description="Server room open at noon")

    page = consultant.get(f"/c/centre-a/registers/audits/{audit.pk}/")
    finding_page = consultant.get(f"/c/centre-a/registers/audit-findings/{finding.pk}/")

    text = page.content.decode()
    assert page.status_code == 200
    assert "Server room open at noon" in text
    assert f"/c/centre-a/registers/audit-findings/{finding.pk}/" in text
    assert 'id="attachment-file"' in text
    assert f"/c/centre-a/registers/audits/{audit.pk}/" in finding_page.content.decode()


def test_audit_labels_french_colon(
    consultant: Client, catalog: CatalogVersion, centre_a: Organisation
) -> None:
    audit = add_audit(centre_a)
    finding = add_finding(centre_a, audit)
    consultant.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    schedule = consultant.get(SCHEDULE).content.decode()
    finding_page = consultant.get(
        f"/c/centre-a/registers/audit-findings/{finding.pk}/"
    ).content.decode()

    with translation.override("fr"):
        kind = audit.get_auditor_kind_display()
        label = gettext("Audit")
    assert f"{kind}\u00a0: Katrien Wouters" in schedule
    assert f"{label}\u00a0: <a " in finding_page


def test_finding_form_shows_norm_error(
    consultant: Client, catalog: CatalogVersion, centre_a: Organisation
) -> None:
    audit = add_audit(centre_a)

    response = consultant.post(
        "/c/centre-a/registers/audit-findings/new/",
        {
            "audit": audit.pk,
            "severity": "high",
            "norm_code": "4.4.9",
            "description": "Accounts stay active",
            "status": "open",
        },
    )

    assert response.status_code == 400
    assert "is not a norm of any loaded catalog" in response.content.decode()
    assert Finding.objects.count() == 0


@pytest.mark.parametrize("fmt", ["pdf", "odt"])
def test_report_download(
    consultant: Client, catalog: CatalogVersion, centre_a: Organisation, fmt: str
) -> None:
    audit = add_audit(centre_a)
    add_finding(centre_a, audit)

    response = consultant.get(f"/c/centre-a/audits/{audit.pk}/report.{fmt}")

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="vigil-centre-a-audit-{audit.pk}-en.{fmt}"'
    )


def test_report_unknown_format_is_404(
    consultant: Client, centre_a: Organisation
) -> None:
    audit = add_audit(centre_a)

    assert (
        consultant.get(f"/c/centre-a/audits/{audit.pk}/report.docx").status_code == 404
    )


def test_report_pdf_in_french(
    consultant: Client, catalog: CatalogVersion, centre_a: Organisation
) -> None:
    audit = add_audit(centre_a, auditor_name="Hélène Lefèvre")
    add_finding(centre_a, audit, description="Les comptes restent actifs « 3 mois »")

    response = consultant.get(
        f"/c/centre-a/audits/{audit.pk}/report.pdf", {"language": "fr"}
    )
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)

    assert "Hélène Lefèvre" in text
    assert "Les comptes restent actifs « 3" in text
    assert "4.4.2" in text


def test_report_document_auditor_french_colon(
    catalog: CatalogVersion, centre_a: Organisation
) -> None:
    audit = add_audit(centre_a)
    with translation.override("fr"):
        kind = audit.get_auditor_kind_display()

    document = audit_report(audit, "fr")

    facts_block = document.blocks[0]
    assert isinstance(facts_block, Facts)
    texts = [text for _label, text in facts_block.rows]
    assert f"{kind}\u00a0: Katrien Wouters" in texts


def test_report_document_text(catalog: CatalogVersion, centre_a: Organisation) -> None:
    audit = add_audit(centre_a, conclusion="Good basis")
    add_finding(
        centre_a,
        audit,
        recommendation="Close accounts on the last day",
        response="Agreed with HR",
        action_ref="Close accounts on departure",
    )
    generated = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)

    document = audit_report(audit, "en", generated)

    assert document.title == "Follow-up of audit AUD-2022-01"
    assert document.footer == "Vigil · OCMW centre-a · AUD-2022-01"
    facts_block = document.blocks[0]
    assert isinstance(facts_block, Facts)
    facts = dict(facts_block.rows)
    assert facts["Auditor"] == "external auditor: Katrien Wouters"
    assert facts["Conclusion"] == "Good basis"
    table = document.blocks[2]
    assert isinstance(table, Table)
    assert table.rows == (
        (
            "4.4.2",
            "high",
            "Accounts of staff who left stay active.\n"
            "Recommendation: Close accounts on the last day",
            "Agreed with HR",
            "open",
            "Close accounts on departure",
        ),
    )


def test_report_without_findings(centre_a: Organisation) -> None:
    document = audit_report(add_audit(centre_a), "en")

    last = document.blocks[-1]
    assert isinstance(last, Paragraph)
    assert last.text == "The audit recorded no findings."


def test_report_odt_in_dutch(catalog: CatalogVersion, centre_a: Organisation) -> None:
    from vigil.reports.render import render_document

    audit = add_audit(centre_a)
    add_finding(centre_a, audit, description="Back-ups in hetzelfde lokaal")

    content = render_document(audit_report(audit, "nl"), "odt")
    text = teletype.extractText(load_odt(io.BytesIO(content)).text)

    assert "Back-ups in hetzelfde lokaal" in text
    assert "AUD-2022-01" in text


def test_demo_shows_the_warning(
    catalog: CatalogVersion, centre_a: Organisation
) -> None:
    today = datetime.date(2026, 3, 2)

    demo.populate(centre_a, None, today)
    demo.populate(centre_a, None, today)

    audit = Audit.objects.get(organisation=centre_a)
    assert audit.date == datetime.date(2022, 11, 2)
    assert audit.auditor_kind == Audit.AuditorKind.EXTERNAL
    assert audit.findings.count() == 4
    state = audit_due(centre_a, today)
    assert state.state == DueState.SOON
    assert state.text == "Next audit due on 2026-11-02, within 12 months."
