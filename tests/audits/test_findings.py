"""Findings: the norm code check, the audit reference and the warnings."""

import pytest
from django.utils import translation

from tests.audits.factories import add_audit, add_finding
from vigil.catalog.models import CatalogVersion
from vigil.organisations.models import Organisation
from vigil.plans.audits.models import Audit, Finding
from vigil.plans.audits.norms import clean_norm_code
from vigil.plans.audits.specs import AUDITS, FINDINGS
from vigil.registers import services, tabular

pytestmark = pytest.mark.django_db


def errors_of(error: services.RecordInvalid, name: str) -> str:
    return " ".join(error.errors[name])


@pytest.mark.parametrize("code", ["4.1", "4.4.2", "4.6.1.1", "4.10", " 4.7.1. "])
def test_catalog_norm_codes_accepted(catalog: CatalogVersion, code: str) -> None:
    assert clean_norm_code(code) == code.strip().rstrip(".")


def test_unknown_code_suggests_chapter(
    catalog: CatalogVersion, centre_a: Organisation
) -> None:
    audit = add_audit(centre_a)

    with pytest.raises(services.RecordInvalid) as raised:
        add_finding(centre_a, audit, norm_code="4.4.9")

    message = errors_of(raised.value, "norm_code")
    assert "'4.4.9' is not a norm of any loaded catalog" in message
    assert "use one of 4.4.1, 4.4.2, 4.4.3, 4.4.4, 4.4.5." in message
    assert Finding.objects.count() == 0


def test_unknown_chapter_gives_example(
    catalog: CatalogVersion, centre_a: Organisation
) -> None:
    audit = add_audit(centre_a)

    with pytest.raises(services.RecordInvalid) as raised:
        add_finding(centre_a, audit, norm_code="A.12.4")

    assert errors_of(raised.value, "norm_code") == (
        "'A.12.4' is not a norm of any loaded catalog; write a code as the "
        "questionnaire shows it, for example 4.4.2."
    )


def test_code_of_older_catalog_accepted(
    catalog: CatalogVersion, centre_a: Organisation
) -> None:
    older = CatalogVersion.objects.create(
        code="ksz-mn-1998", title={"en": "Old"}, issued="1998-01-01", digest="0" * 64
    )
    chapter = older.chapters.create(code="4.11", title={"en": "Old"}, position=1)
    older.norms.create(
        chapter=chapter,
        code="4.11.1",
        position=1,
        title={"en": "Old norm"},
        requirement={},
        guidance={},
    )
    audit = add_audit(centre_a)

    finding = add_finding(centre_a, audit, norm_code="4.11.1")

    assert finding.norm_code == "4.11.1"


def test_without_catalog_only_form_checked(centre_a: Organisation) -> None:
    audit = add_audit(centre_a)

    finding = add_finding(centre_a, audit, norm_code="4.4.2")
    with pytest.raises(services.RecordInvalid) as raised:
        add_finding(centre_a, audit, norm_code="access control")

    assert finding.norm_code == "4.4.2"
    assert errors_of(raised.value, "norm_code") == (
        "'access control' is not a norm code; write it as 4.4.2."
    )


def test_finding_names_audit_by_reference(
    catalog: CatalogVersion, centre_a: Organisation
) -> None:
    audit = add_audit(centre_a, reference="AUD-2024-01")

    finding = add_finding(centre_a, audit)

    assert finding.audit == audit
    assert str(finding) == (
        "AUD-2024-01 · 4.4.2: Accounts of staff who left stay active."
    )


def test_finding_of_other_centre_audit_rejected(
    catalog: CatalogVersion, centre_a: Organisation, centre_b: Organisation
) -> None:
    other = add_audit(centre_b, reference="AUD-2024-09")

    with pytest.raises(services.RecordInvalid) as raised:
        add_finding(centre_a, other)

    assert errors_of(raised.value, "audit") == (
        "No audit with reference 'AUD-2024-09' in this centre; add it first."
    )


def test_reference_unique_per_centre(
    centre_a: Organisation, centre_b: Organisation
) -> None:
    add_audit(centre_a, reference="AUD-2024-01")
    add_audit(centre_b, reference="AUD-2024-01")

    with pytest.raises(services.RecordInvalid) as raised:
        add_audit(centre_a, reference="AUD-2024-01")

    assert "already has an audit with this reference" in str(raised.value)
    assert Audit.objects.filter(organisation=centre_a).count() == 1


def test_reference_form_checked(centre_a: Organisation) -> None:
    with pytest.raises(services.RecordInvalid) as raised:
        add_audit(centre_a, reference="audit 2024")

    assert errors_of(raised.value, "reference") == (
        "Use letters, digits, dots, dashes and slashes only, for example AUD-2024-01."
    )


def test_completed_audit_not_in_future(centre_a: Organisation) -> None:
    with pytest.raises(services.RecordInvalid) as raised:
        add_audit(centre_a, date="2099-01-01")
    planned = add_audit(centre_a, date="2099-01-01", status=Audit.Status.PLANNED)

    assert errors_of(raised.value, "date") == (
        "A completed audit cannot be dated 2099-01-01, in the future; give the "
        "date of its report or mark it as planned."
    )
    assert planned.status == Audit.Status.PLANNED


def test_import_rejects_whole_file_with_lines(
    catalog: CatalogVersion, centre_a: Organisation
) -> None:
    add_audit(centre_a, reference="AUD-2024-01")
    content = (
        b"audit,severity,norm_code,description\r\n"
        b"AUD-2024-01,high,4.4.2,Accounts stay active\r\n"
        b"AUD-2024-01,medium,4.99,Server room open\r\n"
        b"AUD-1999-01,low,4.1,Policy old\r\n"
    )

    with pytest.raises(services.ImportRejected) as raised:
        services.import_rows(
            FINDINGS, centre_a, tabular.read_table(content), actor=None
        )

    lines = [(error.line, error.field) for error in raised.value.errors]
    assert lines == [(3, "norm_code"), (4, "audit")]
    assert Finding.objects.count() == 0


def test_import_creates_findings(
    catalog: CatalogVersion, centre_a: Organisation
) -> None:
    audit = add_audit(centre_a, reference="AUD-2024-01")
    content = (
        b"audit,severity,norm_code,description,status\r\n"
        b"AUD-2024-01,high,4.4.2,Accounts stay active,open\r\n"
        b"AUD-2024-01,critical,4.7.1,Back-ups on site only,in_progress\r\n"
    )

    result = services.import_rows(
        FINDINGS, centre_a, tabular.read_table(content), actor=None
    )

    assert result.created == 2
    assert list(audit.findings.values_list("norm_code", flat=True)) == [
        "4.4.2",
        "4.7.1",
    ]


def test_summary_and_warnings(catalog: CatalogVersion, centre_a: Organisation) -> None:
    audit = add_audit(centre_a)
    add_finding(centre_a, audit, severity="critical", action_ref="Offsite back-up")
    add_finding(centre_a, audit, severity="high")
    add_finding(centre_a, audit, severity="low", status="resolved")
    assert FINDINGS.summary is not None
    assert FINDINGS.warnings is not None

    assert FINDINGS.summary(centre_a) == ["Open findings: critical: 1, high: 1"]
    assert FINDINGS.warnings(centre_a) == [
        "2 high or critical findings are still open.",
        "1 open finding has no action in the security plan.",
    ]


def test_summary_french_colons(catalog: CatalogVersion, centre_a: Organisation) -> None:
    audit = add_audit(centre_a)
    add_finding(centre_a, audit, severity="critical")
    add_finding(centre_a, audit, severity="high")
    assert FINDINGS.summary is not None

    with translation.override("fr"):
        (line,) = FINDINGS.summary(centre_a)
        critical = str(Finding.Severity.CRITICAL.label)

    assert line.startswith("Constats ouverts\u00a0: ")
    assert f"{critical}\u00a0: 1" in line
    assert ": " not in line.replace("\u00a0: ", "")


def test_no_open_findings_no_warnings(centre_a: Organisation) -> None:
    assert FINDINGS.summary is not None
    assert FINDINGS.warnings is not None

    assert FINDINGS.summary(centre_a) == ["No open findings."]
    assert FINDINGS.warnings(centre_a) == []


def test_audit_spec_warns_never_audited(centre_a: Organisation) -> None:
    assert AUDITS.summary is not None
    assert AUDITS.warnings is not None

    assert AUDITS.warnings(centre_a) == ["No audit recorded: due now."]
    add_audit(centre_a, reference="AUD-2099-01", date="2099-05-01", status="planned")
    assert AUDITS.summary(centre_a) == ["Audit AUD-2099-01 planned on 2099-05-01."]
    assert AUDITS.warnings(centre_a) == ["No audit recorded: due now."]
