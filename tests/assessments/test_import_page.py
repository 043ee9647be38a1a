"""The import page: stale files, overwriting on purpose and the history."""

import datetime
from typing import Any

from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.assessments.workbooks import FIRST, export, snapshot
from tests.conftest import login
from vigil.accounts.models import User
from vigil.assessments.models import AnswerChange, Assessment
from vigil.assessments.services import AnswerInput, save_answer

BASE = "/c/centre-a/questionnaires/2026"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def edit_on_page(assessment: Assessment, actor: User) -> None:
    answer = assessment.answers.get(norm__code="4.1")
    partial = assessment.catalog.answer_options.get(code="partial")
    data = AnswerInput(
        option=partial, planned_date=datetime.date(2027, 6, 30), comment="Budget."
    )
    assert save_answer(answer, data, actor=actor)


def post_file(
    client: Client, content: bytes, language: str = "nl", **fields: str
) -> Any:
    upload = SimpleUploadedFile("q.xlsx", content, content_type=XLSX)
    return client.post(
        f"{BASE}/import/", {"file": upload, **fields}, HTTP_ACCEPT_LANGUAGE=language
    )


def test_stale_file_rejected_on_page(
    filled: Assessment, consultant_a: User, deputy_a: User
) -> None:
    content = export(filled)
    edit_on_page(filled, deputy_a)
    before = snapshot(filled)

    response = post_file(login(consultant_a), content)

    text = response.content.decode()
    assert response.status_code == 400
    assert f"Rij {FIRST}, kolom K (revision):" in text
    assert "Norm 4.1 is gewijzigd nadat dit bestand geëxporteerd werd" in text
    assert "door deputy (deputy@a.test)" in text
    assert 'data-testid="stale-fix"' in text
    assert snapshot(filled) == before


def test_stale_file_message_in_french(
    filled: Assessment, consultant_a: User, deputy_a: User
) -> None:
    content = export(filled)
    edit_on_page(filled, deputy_a)

    response = post_file(login(consultant_a), content, language="fr")

    text = response.content.decode()
    assert "La norme 4.1 a changé après l&#x27;export de ce fichier\u00a0:" in text
    assert "Écraser les réponses modifiées après l&#x27;export" in text


def test_page_overwrites_on_purpose(
    filled: Assessment, consultant_a: User, deputy_a: User
) -> None:
    content = export(filled)
    edit_on_page(filled, deputy_a)
    client = login(consultant_a)

    response = post_file(client, content, overwrite_newer="on")

    assert response.status_code == 302
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts == [
        "1 antwoord gewijzigd. Daarvan was 1 na de export gewijzigd en is overschreven."
    ]
    change = AnswerChange.objects.filter(answer__norm__code="4.1").first()
    assert change is not None
    assert change.changed_by == consultant_a
    assert change.import_file == "q.xlsx"
    assert change.overwrote_newer


def test_history_names_import(
    filled: Assessment, consultant_a: User, deputy_a: User
) -> None:
    content = export(filled)
    edit_on_page(filled, deputy_a)
    client = login(consultant_a)
    post_file(client, content, overwrite_newer="on")

    history = client.get(f"{BASE}/norms/4.1/").content.decode()

    assert "XLSX-import van “q.xlsx”" in history
    assert "heeft een na de export gewijzigd antwoord overschreven" in history


def test_history_names_command_user(filled: Assessment, consultant_a: User) -> None:
    answer = filled.answers.get(norm__code="4.1")
    AnswerChange.objects.create(
        answer=answer,
        actor_label="OS user an, vigil command",
        import_file="q.xlsx",
        old_values={"owner": ""},
        new_values={"owner": "Directie"},
    )

    history = login(consultant_a).get(f"{BASE}/norms/4.1/").content.decode()

    assert "OS user an, vigil command" in history
    assert "XLSX-import van “q.xlsx”" in history
