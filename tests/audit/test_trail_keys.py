"""Stored keys and codes of audit entries, as the trail page shows them.

Each case creates an entry through its service, renders the centre's trail
in Dutch and in French and checks each "label: value" pair of the entry's
new values, so neither a key nor a code reaches the page as stored.
"""

import html
import io
import re
from collections.abc import Callable
from dataclasses import dataclass

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.assessments.filling import fill_assessment
from tests.conftest import login
from tests.consultants.conftest import appointment
from tests.securityplans.factories import add_action, approve, make_plan
from vigil.accounts.models import User
from vigil.assessments import services as assessments
from vigil.assessments import tabular
from vigil.assessments.importing import import_assessment_xlsx
from vigil.assessments.models import Assessment
from vigil.catalog.models import AnswerOption, CatalogVersion
from vigil.organisations.models import Organisation
from vigil.plans.security import services as plans
from vigil.registers import services as registers
from vigil.registers.consultants import services as consultants
from vigil.registers.spec import get_spec
from vigil.reports.exporters.xlsx import write_workbook
from vigil.reports.questionnaire import build_document

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hasher")]

SHA256 = re.compile("[0-9a-f]{64}")
PERCENT = re.compile(r"\d+(\.\d+)?")

type Expected = dict[str, str | re.Pattern[str]]


@dataclass(frozen=True)
class World:
    centre: Organisation
    user: User


def approved_plan(world: World) -> None:
    plan = make_plan(world.centre)
    add_action(plan)
    approve(plan, reference="RMW 2025/187")


def superseded_plan(world: World) -> None:
    plan = make_plan(world.centre)
    add_action(plan)
    approve(plan)
    second = plans.new_version(plan, actor=None)
    approve(second, reference="RMW 2026/12")


def notification_sent(world: World) -> None:
    consultant = appointment(world.centre)
    data = {
        "sent_on": "2025-01-10",
        "channel": "registered_letter",
        "reference": "AR 123",
    }
    consultants.record_sent(consultant, data, actor=None)


def questionnaire_copied(world: World) -> None:
    earlier = assessments.create_assessment(world.centre, 2025, actor=world.user)
    assessments.create_assessment(
        world.centre, 2026, actor=world.user, copy_from=earlier
    )


def questionnaire_submitted(world: World) -> None:
    assessment = filled(world)
    assessments.submit_assessment(assessment, actor=world.user)


def evidence_added(world: World) -> None:
    filled(world)


def answer_changed(world: World) -> None:
    assessment = assessments.create_assessment(world.centre, 2026, actor=world.user)
    answer = assessment.answers.get(norm__code="4.1")
    option = AnswerOption.objects.get(catalog=assessment.catalog, code="not_applicable")
    data = assessments.AnswerInput(option=option, justification="Geen servers.")
    assessments.save_answer(answer, data, actor=world.user)


def questionnaire_imported(world: World) -> None:
    assessment = filled(world)
    exported = write_workbook(build_document(assessment, "nl"))
    answer = assessment.answers.get(norm__code="4.1")
    newer = assessments.AnswerInput(
        option=answer.option, comment="Later changed on the page."
    )
    assessments.save_answer(answer, newer, actor=world.user)
    workbook = openpyxl.load_workbook(io.BytesIO(exported))
    sheet = workbook[tabular.SHEET_TITLE]
    owner = sheet.cell(
        row=tabular.FIRST_DATA_ROW, column=tabular.column_number(tabular.OWNER)
    )
    owner.value = "ICT-dienst"
    output = io.BytesIO()
    workbook.save(output)
    upload = io.BytesIO(output.getvalue())
    upload.name = "vragenlijst.xlsx"
    import_assessment_xlsx(assessment, upload, actor=world.user, overwrite_newer=True)


def register_imported(world: World) -> None:
    spec = get_spec("activities")
    assert spec is not None
    row = {"kind": "advice", "date": "2026-02-07", "subject": "Wachtwoorden"}
    registers.import_rows(spec, world.centre, [(2, row)], actor=None)


def attachment_added(world: World) -> None:
    spec = get_spec("hardware")
    assert spec is not None
    values = spec.example(world.centre)
    hardware = registers.create_record(spec, world.centre, values, actor=None)
    upload = SimpleUploadedFile("offerte.pdf", b"%PDF-1.4\n% quote\n")
    registers.add_attachment(hardware, upload, actor=None)


def filled(world: World) -> Assessment:
    assessment = assessments.create_assessment(world.centre, 2026, actor=world.user)
    fill_assessment(assessment, world.user)
    return assessment


CASES: list[tuple[str, Callable[[World], None], Expected, Expected]] = [
    (
        "securityplan.approved",
        approved_plan,
        {
            "Goedgekeurd door": "raad voor maatschappelijk welzijn",
            "Datum van goedkeuring": "2025-12-12",
            "Referentie van de beslissing": "RMW 2025/187",
        },
        {
            "Approuvée par": "conseil de l'action sociale",
            "Date d'approbation": "2025-12-12",
            "Référence de la décision": "RMW 2025/187",
        },
    ),
    (
        "securityplan.superseded",
        superseded_plan,
        {"Vervangen door": "2026–2028 v2"},
        {"Remplacé par": "2026–2028 v2"},
    ),
    (
        "consultant.notification_sent",
        notification_sent,
        {
            "Verzonden op": "2025-01-10",
            "Verzonden per": "aangetekende brief",
            "Referentie": "AR 123",
            "Kennisgeving aan de toezichthouder": "2025-01-10 aangetekende brief",
        },
        {
            "Envoyée le": "2025-01-10",
            "Envoyée par": "lettre recommandée",
            "Référence": "AR 123",
            "Notification à l'autorité de contrôle": "2025-01-10 lettre recommandée",
        },
    ),
    (
        "assessment.created",
        questionnaire_copied,
        {"Antwoorden overgenomen van het jaar": "2025"},
        {"Réponses reprises de l'année": "2025"},
    ),
    (
        "assessment.submitted",
        questionnaire_submitted,
        {
            "Nummer van de indiening": "1",
            "SHA-256": SHA256,
            "Score in procent": PERCENT,
        },
        {
            "Numéro de la soumission": "1",
            "SHA-256": SHA256,
            "Score en pourcentage": PERCENT,
        },
    ),
    (
        "assessment.evidence_added",
        evidence_added,
        {"Norm": "4.1", "Bestandsnaam": "beleid-2026.pdf", "SHA-256": SHA256},
        {"Norme": "4.1", "Nom du fichier": "beleid-2026.pdf", "SHA-256": SHA256},
    ),
    (
        "assessment.answer_changed",
        answer_changed,
        {"Antwoord": "Niet van toepassing"},
        {"Réponse": "Non applicable"},
    ),
    (
        "assessment.imported",
        questionnaire_imported,
        {
            "Geïmporteerd bestand": "vragenlijst.xlsx",
            "SHA-256": SHA256,
            "Rijen in het bestand": "28",
            "Gewijzigde antwoorden": "1",
            "Normen van de gewijzigde antwoorden": "4.1",
            "Recentere antwoorden mogen overschreven worden": "ja",
            "Normen waarvan een recenter antwoord overschreven werd": "4.1",
        },
        {
            "Fichier importé": "vragenlijst.xlsx",
            "SHA-256": SHA256,
            "Lignes du fichier": "28",
            "Réponses modifiées": "1",
            "Normes des réponses modifiées": "4.1",
            "Les réponses plus récentes peuvent être écrasées": "oui",
            "Normes dont une réponse plus récente a été écrasée": "4.1",
        },
    ),
    (
        "register.imported",
        register_imported,
        {
            "Register": "Activiteiten, adviezen en opleidingen",
            "Records aangemaakt": "1",
        },
        {"Registre": "Activités, avis et formations", "Enregistrements créés": "1"},
    ),
    (
        "register.attachment_added",
        attachment_added,
        {"Bestandsnaam": "offerte.pdf", "SHA-256": SHA256},
        {"Nom du fichier": "offerte.pdf", "SHA-256": SHA256},
    ),
]


def trail_values(user: User, language: str, action: str) -> list[dict[str, str]]:
    """Return the new values of the entries of ``action`` on the page, newest first."""
    response = login(user).get(
        "/c/centre-a/audit/", headers={"Accept-Language": language}
    )
    assert response.status_code == 200
    page = response.content.decode()
    rows = re.findall(r"<tr>.*?</tr>", page, flags=re.DOTALL)
    found = []
    for row in rows:
        if f'title="{action}"' not in row:
            continue
        cells = re.findall(r'<td class="values">(.*?)</td>', row, flags=re.DOTALL)
        pairs = re.findall(r"<dt>(.*?)</dt> <dd>(.*?)</dd>", cells[-1], re.DOTALL)
        found.append({html.unescape(dt): html.unescape(dd) for dt, dd in pairs})
    return found


def label_before_value(label: str, language: str) -> str:
    """Return ``label`` with the colon of ``language``, as the page writes it."""
    return f"{label}\N{NO-BREAK SPACE}:" if language == "fr" else f"{label}:"


@pytest.mark.parametrize("language", ["nl", "fr"])
@pytest.mark.parametrize(
    ("action", "setup", "dutch", "french"),
    CASES,
    ids=[case[0] for case in CASES],
)
def test_entry_values_in_reader_language(
    catalog: CatalogVersion,
    centre_a: Organisation,
    consultant_a: User,
    management_a: User,
    language: str,
    action: str,
    setup: Callable[[World], None],
    dutch: Expected,
    french: Expected,
) -> None:
    setup(World(centre_a, consultant_a))
    expected = dutch if language == "nl" else french

    entries = trail_values(management_a, language, action)

    assert entries, f"no {action} entry on the page"
    shown = entries[0]  # the newest
    for label, text in expected.items():
        written = label_before_value(label, language)
        assert written in shown, f"{written!r} missing from {shown}"
        if isinstance(text, re.Pattern):
            assert text.fullmatch(shown[written]), f"{written!r}: {shown[written]!r}"
        else:
            assert shown[written] == text, f"{written!r}: {shown[written]!r}"
