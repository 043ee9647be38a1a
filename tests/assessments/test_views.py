"""Questionnaire pages: answering in place, evidence, submit, reopen, diff, language."""

import datetime
from typing import Any

import pytest
from django.conf import LazySettings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from tests.conftest import answer_everything, login, option
from vigil.accounts.models import User
from vigil.accounts.roles import Role
from vigil.accounts.services import grant_membership
from vigil.assessments.models import Answer, Assessment, Evidence, Submission
from vigil.assessments.services import (
    AnswerInput,
    add_evidence,
    create_assessment,
    save_answer,
    submit_assessment,
)
from vigil.catalog.models import CatalogVersion
from vigil.organisations.models import Organisation

pytestmark = pytest.mark.usefixtures("fast_password_hasher")

BASE = "/c/centre-a/questionnaires/2025"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def assessment(
    catalog: CatalogVersion, centre_a: Organisation, consultant_a: User
) -> Assessment:
    return create_assessment(centre_a, 2025, actor=consultant_a)


def answer_to(assessment: Assessment, code: str) -> Answer:
    return assessment.answers.select_related("norm", "option").get(norm__code=code)


def answer_form(answer: Answer, **values: Any) -> dict[str, Any]:
    """Return POST data of the answer form, whose fields carry the answer's prefix."""
    fields = {
        "option": "",
        "justification": "",
        "planned_date": "",
        "owner": "",
        "comment": "",
    }
    fields.update(values)
    return {f"n{answer.pk}-{name}": value for name, value in fields.items()}


def page(response: Any) -> str:
    return str(response.content.decode())


# Every page names the active centre


@pytest.mark.parametrize(
    "path",
    [
        "/c/centre-a/",
        f"{BASE}/",
        f"{BASE}/norms/4.1/",
        f"{BASE}/submit/",
        f"{BASE}/diff/",
        f"{BASE}/import/",
        "/c/centre-a/audit/",
    ],
)
def test_page_shows_active_centre(
    assessment: Assessment, consultant_a: User, path: str
) -> None:
    response = login(consultant_a).get(path)

    assert response.status_code == 200
    assert 'data-testid="active-centre"' in page(response)
    assert "OCMW centre-a" in page(response)


def test_page_shows_centre_chosen_among_several(
    assessment: Assessment,
    consultant_a: User,
    centre_b: Organisation,
) -> None:
    grant_membership(
        user=consultant_a, organisation=centre_b, role=Role.VIEWER, actor=None
    )
    create_assessment(centre_b, 2025, actor=None)
    client = login(consultant_a)

    choice = client.get("/")
    own = client.get(f"{BASE}/")
    other = client.get("/c/centre-b/questionnaires/2025/")

    assert choice.status_code == 200
    assert "OCMW centre-a" in page(own)
    assert "OCMW centre-b" not in page(own)
    assert "OCMW centre-b" in page(other)
    assert "OCMW centre-a" not in page(other)


# Questionnaire per chapter


def test_questionnaire_opens_first_chapter(
    assessment: Assessment, consultant_a: User
) -> None:
    response = login(consultant_a).get(f"{BASE}/")

    assert response.context["chapter"].code == "4.1"
    assert 'id="norm-4.1"' in page(response)
    assert 'id="norm-4.4.1"' not in page(response)


def test_questionnaire_shows_chosen_chapter(
    assessment: Assessment, consultant_a: User
) -> None:
    response = login(consultant_a).get(f"{BASE}/?chapter=4.4")
    norms = [row["norm"].code for row in response.context["rows"]]

    assert norms == ["4.4.1", "4.4.2", "4.4.3", "4.4.4", "4.4.5"]
    assert 'id="norm-4.1"' not in page(response)


def test_questionnaire_unknown_chapter_is_404(
    assessment: Assessment, consultant_a: User
) -> None:
    response = login(consultant_a).get(f"{BASE}/?chapter=9.9")

    assert response.status_code == 404


def test_questionnaire_unknown_year_is_404(
    assessment: Assessment, consultant_a: User
) -> None:
    response = login(consultant_a).get("/c/centre-a/questionnaires/1999/")

    assert response.status_code == 404


def test_questionnaire_has_no_forms_for_viewer(
    assessment: Assessment, viewer_a: User
) -> None:
    response = login(viewer_a).get(f"{BASE}/")

    assert response.status_code == 200
    assert "hx-post" not in page(response)
    assert all(row["form"] is None for row in response.context["rows"])


def test_questionnaire_has_htmx_forms_for_editor(
    assessment: Assessment, consultant_a: User
) -> None:
    response = login(consultant_a).get(f"{BASE}/")

    assert f'hx-post="{BASE}/norms/4.1/"' in page(response)


# Saving an answer


def test_htmx_save_returns_saved_row(
    assessment: Assessment, catalog: CatalogVersion, consultant_a: User
) -> None:
    answer = answer_to(assessment, "4.9.2")
    data = answer_form(answer, option=option(catalog, "implemented").pk)

    response = login(consultant_a).post(
        f"{BASE}/norms/4.9.2/", data, headers={**HTMX, "Accept-Language": "en"}
    )

    assert response.status_code == 200
    assert "Saved" in page(response)
    assert 'class="saved"' in page(response)
    assert 'id="norm-4.9.2"' in page(response)
    assert "<html" not in page(response)
    assert answer_to(assessment, "4.9.2").option == option(catalog, "implemented")


def test_htmx_save_updates_chapter_list(
    assessment: Assessment, catalog: CatalogVersion, consultant_a: User
) -> None:
    answer = answer_to(assessment, "4.9.2")
    data = answer_form(answer, option=option(catalog, "implemented").pk)

    response = login(consultant_a).post(
        f"{BASE}/norms/4.9.2/", data, headers={**HTMX, "Accept-Language": "en"}
    )
    nav = page(response).split('id="chapter-nav"', 1)[1]

    assert 'hx-swap-oob="true"' in nav
    assert "1 of 28 answered" in nav
    assert "1/2 · 50.0 %" in nav


def test_htmx_save_returns_field_errors(
    assessment: Assessment, catalog: CatalogVersion, consultant_a: User
) -> None:
    answer = answer_to(assessment, "4.6.3")
    data = answer_form(answer, option=option(catalog, "not_applicable").pk)

    response = login(consultant_a).post(f"{BASE}/norms/4.6.3/", data, headers=HTMX)
    form = response.context["row"]["form"]

    assert response.status_code == 200
    assert "justification" in form.errors
    assert 'class="saved"' not in page(response)
    assert "<html" not in page(response)
    assert answer_to(assessment, "4.6.3").option is None


def test_htmx_save_rejects_bad_date(
    assessment: Assessment, catalog: CatalogVersion, consultant_a: User
) -> None:
    answer = answer_to(assessment, "4.3.2")
    data = answer_form(
        answer, option=option(catalog, "partial").pk, planned_date="2026-13-45"
    )

    response = login(consultant_a).post(f"{BASE}/norms/4.3.2/", data, headers=HTMX)

    assert "planned_date" in response.context["row"]["form"].errors
    assert answer_to(assessment, "4.3.2").option is None


def test_htmx_save_rejects_day_first_date(
    assessment: Assessment, catalog: CatalogVersion, consultant_a: User
) -> None:
    answer = answer_to(assessment, "4.3.2")
    data = answer_form(
        answer, option=option(catalog, "partial").pk, planned_date="30/06/2027"
    )

    response = login(consultant_a).post(
        f"{BASE}/norms/4.3.2/", data, headers={**HTMX, "Accept-Language": "fr"}
    )

    assert "planned_date" in response.context["row"]["form"].errors
    assert "AAAA-MM-JJ" in page(response)
    assert answer_to(assessment, "4.3.2").option is None


@pytest.mark.parametrize(
    ("language", "placeholder"),
    [("nl", "JJJJ-MM-DD"), ("fr", "AAAA-MM-JJ"), ("en", "YYYY-MM-DD")],
)
def test_planned_date_shows_language_format(
    assessment: Assessment, consultant_a: User, language: str, placeholder: str
) -> None:
    answer = answer_to(assessment, "4.1")
    response = login(consultant_a).get(
        f"{BASE}/?chapter=4.1", headers={"Accept-Language": language}
    )
    field = page(response).split(f'name="n{answer.pk}-planned_date"', 1)[1]
    tag = field.split(">", 1)[0]

    assert f'placeholder="{placeholder}"' in tag
    assert 'pattern="[0-9]{4}-[0-9]{2}-[0-9]{2}"' in tag
    assert 'type="date"' not in page(response)


def test_save_without_htmx_redirects(
    assessment: Assessment, catalog: CatalogVersion, consultant_a: User
) -> None:
    answer = answer_to(assessment, "4.3.2")
    data = answer_form(
        answer,
        option=option(catalog, "partial").pk,
        planned_date="2026-06-30",
        owner="Technische dienst",
    )
    data["next"] = f"{BASE}/?chapter=4.3#norm-4.3.2"

    response = login(consultant_a).post(f"{BASE}/norms/4.3.2/", data)
    saved = answer_to(assessment, "4.3.2")

    assert response.status_code == 302
    assert response["Location"] == f"{BASE}/?chapter=4.3#norm-4.3.2"
    assert saved.planned_date == datetime.date(2026, 6, 30)
    assert saved.owner == "Technische dienst"


@pytest.mark.parametrize(
    "target",
    [
        "https://attacker.example/phish",
        "//attacker.example/phish",
        "/\\attacker.example",
    ],
)
def test_save_ignores_next_off_site(
    assessment: Assessment, catalog: CatalogVersion, consultant_a: User, target: str
) -> None:
    answer = answer_to(assessment, "4.3.2")
    data = answer_form(answer, option=option(catalog, "implemented").pk)
    data["next"] = target

    response = login(consultant_a).post(f"{BASE}/norms/4.3.2/", data)

    assert response.status_code == 302
    assert response["Location"] == f"{BASE}/norms/4.3.2/"
    assert answer_to(assessment, "4.3.2").option == option(catalog, "implemented")


def test_save_without_htmx_shows_errors(
    assessment: Assessment, catalog: CatalogVersion, consultant_a: User
) -> None:
    answer = answer_to(assessment, "4.3.2")
    data = answer_form(answer, option=option(catalog, "not_implemented").pk)

    response = login(consultant_a).post(f"{BASE}/norms/4.3.2/", data)

    assert response.status_code == 400
    assert "planned_date" in response.context["row"]["form"].errors
    assert "<html" in page(response)


def test_save_by_viewer_is_403(
    assessment: Assessment, catalog: CatalogVersion, viewer_a: User
) -> None:
    answer = answer_to(assessment, "4.1")
    data = answer_form(answer, option=option(catalog, "implemented").pk)

    response = login(viewer_a).post(f"{BASE}/norms/4.1/", data, headers=HTMX)

    assert response.status_code == 403
    assert answer_to(assessment, "4.1").option is None


def test_save_on_submitted_shows_locked_error(
    assessment: Assessment, catalog: CatalogVersion, consultant_a: User
) -> None:
    answer_everything(assessment)
    submit_assessment(assessment, actor=consultant_a)
    answer = answer_to(assessment, "4.1")
    data = answer_form(
        answer, option=option(catalog, "partial").pk, planned_date="2026-06-30"
    )

    response = login(consultant_a).post(f"{BASE}/norms/4.1/", data)

    assert response.status_code == 400
    assert answer_to(assessment, "4.1").option == option(catalog, "implemented")


# Evidence


def upload(client: Client, name: str, content: bytes) -> Any:
    return client.post(
        f"{BASE}/norms/4.1/evidence/",
        {"file": SimpleUploadedFile(name, content)},
    )


def test_evidence_upload_attaches_file(
    assessment: Assessment, consultant_a: User
) -> None:
    response = upload(login(consultant_a), "beleid.pdf", b"%PDF-1.4 beleid")
    evidence = Evidence.objects.get()

    assert response.status_code == 302
    assert response["Location"] == f"{BASE}/norms/4.1/"
    assert evidence.answer == answer_to(assessment, "4.1")
    assert evidence.original_name == "beleid.pdf"


def test_evidence_upload_rejects_type(
    assessment: Assessment, consultant_a: User
) -> None:
    response = upload(login(consultant_a), "aanval.html", b"<script>1</script>")

    assert response.status_code == 400
    assert "aanval.html" in page(response)
    assert not Evidence.objects.exists()


def test_evidence_upload_rejects_size(
    assessment: Assessment, consultant_a: User, settings: LazySettings
) -> None:
    settings.EVIDENCE_MAX_BYTES = 4

    response = upload(login(consultant_a), "beleid.pdf", b"12345")

    assert response.status_code == 400
    assert not Evidence.objects.exists()


def test_evidence_download_is_attachment(
    assessment: Assessment, consultant_a: User, viewer_a: User
) -> None:
    evidence = add_evidence(
        answer_to(assessment, "4.1"),
        SimpleUploadedFile("Beleid 2025.pdf", b"%PDF-1.4 beleid"),
        actor=consultant_a,
    )

    response = login(viewer_a).get(f"{BASE}/evidence/{evidence.pk}/")
    disposition = response["Content-Disposition"]

    assert response.status_code == 200
    assert disposition.startswith("attachment;")
    assert "Beleid 2025.pdf" in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/octet-stream"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response.getvalue() == b"%PDF-1.4 beleid"


def test_evidence_html_is_never_inline(
    assessment: Assessment, consultant_a: User, settings: LazySettings
) -> None:
    settings.EVIDENCE_EXTENSIONS = ["html"]
    evidence = add_evidence(
        answer_to(assessment, "4.1"),
        SimpleUploadedFile("pagina.html", b"<script>alert(1)</script>"),
        actor=consultant_a,
    )

    response = login(consultant_a).get(f"{BASE}/evidence/{evidence.pk}/")

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "inline" not in response["Content-Disposition"]


def test_evidence_delete_detaches_file(
    assessment: Assessment, consultant_a: User
) -> None:
    evidence = add_evidence(
        answer_to(assessment, "4.1"),
        SimpleUploadedFile("beleid.pdf", b"%PDF-1.4"),
        actor=consultant_a,
    )

    response = login(consultant_a).post(f"{BASE}/evidence/{evidence.pk}/delete/")

    assert response.status_code == 302
    assert not Evidence.objects.exists()


def test_norm_page_lists_evidence(assessment: Assessment, consultant_a: User) -> None:
    evidence = add_evidence(
        answer_to(assessment, "4.1"),
        SimpleUploadedFile("beleid.pdf", b"%PDF-1.4"),
        actor=consultant_a,
    )

    response = login(consultant_a).get(f"{BASE}/norms/4.1/")

    assert f'href="{BASE}/evidence/{evidence.pk}/"' in page(response)
    assert "beleid.pdf" in page(response)


# Submit and reopen


def test_submit_page_lists_gaps(
    assessment: Assessment, catalog: CatalogVersion, consultant_a: User
) -> None:
    answer_everything(assessment)
    assessment.answers.filter(norm__code="4.9.2").update(option=None)
    assessment.answers.filter(norm__code="4.6.3").update(
        option=option(catalog, "not_applicable")
    )
    assessment.answers.filter(norm__code="4.10").update(
        option=option(catalog, "partial")
    )

    response = login(consultant_a).get(f"{BASE}/submit/")
    gaps = [(gap.norm, gap.field) for gap in response.context["gaps"]]

    assert response.status_code == 200
    assert gaps == [
        ("4.6.3", "justification"),
        ("4.9.2", "option"),
        ("4.10", "planned_date"),
    ]
    assert f'href="{BASE}/norms/4.9.2/"' in page(response)
    assert 'data-testid="gaps"' in page(response)


def test_submit_incomplete_is_400(assessment: Assessment, consultant_a: User) -> None:
    response = login(consultant_a).post(f"{BASE}/submit/")

    assert response.status_code == 400
    assert len(response.context["gaps"]) == 28
    assert not Submission.objects.exists()


def test_submit_by_consultant_freezes(
    assessment: Assessment, consultant_a: User
) -> None:
    answer_everything(assessment)
    client = login(consultant_a)

    response = client.post(f"{BASE}/submit/")
    submission = Submission.objects.get()
    after = client.get(response["Location"])
    assessment.refresh_from_db()

    assert response.status_code == 302
    assert assessment.status == Assessment.Status.SUBMITTED
    assert submission.digest in page(after)
    assert "hx-post" not in page(after)


def test_submit_by_viewer_is_403(assessment: Assessment, viewer_a: User) -> None:
    answer_everything(assessment)

    response = login(viewer_a).post(f"{BASE}/submit/")
    assessment.refresh_from_db()

    assert response.status_code == 403
    assert assessment.is_draft


def test_submit_page_hides_button_for_viewer(
    assessment: Assessment, viewer_a: User
) -> None:
    response = login(viewer_a).get(f"{BASE}/submit/")

    assert response.status_code == 200
    assert 'data-testid="submit"' not in page(response)


def test_reopen_by_management_with_reason(
    assessment: Assessment, consultant_a: User, management_a: User
) -> None:
    answer_everything(assessment)
    first = submit_assessment(assessment, actor=consultant_a)

    response = login(management_a).post(
        f"{BASE}/reopen/", {"reason": "Fout in hoofdstuk 4.3"}
    )
    assessment.refresh_from_db()
    first.refresh_from_db()

    assert response.status_code == 302
    assert response["Location"] == f"{BASE}/submit/"
    assert assessment.is_draft
    assert first.reopen_reason == "Fout in hoofdstuk 4.3"
    assert first.reopened_by == management_a


def test_reopen_without_reason_keeps_frozen(
    assessment: Assessment, consultant_a: User, management_a: User
) -> None:
    answer_everything(assessment)
    submit_assessment(assessment, actor=consultant_a)

    response = login(management_a).post(f"{BASE}/reopen/", {"reason": ""})
    assessment.refresh_from_db()

    assert response.status_code == 302
    assert assessment.status == Assessment.Status.SUBMITTED


def test_reopen_by_viewer_is_403(
    assessment: Assessment, consultant_a: User, viewer_a: User
) -> None:
    answer_everything(assessment)
    submit_assessment(assessment, actor=consultant_a)

    response = login(viewer_a).post(f"{BASE}/reopen/", {"reason": "Waarom niet"})
    assessment.refresh_from_db()

    assert response.status_code == 403
    assert assessment.status == Assessment.Status.SUBMITTED


def test_submitted_page_offers_reopen_to_management(
    assessment: Assessment, consultant_a: User, management_a: User
) -> None:
    answer_everything(assessment)
    submit_assessment(assessment, actor=consultant_a)

    response = login(management_a).get(f"{BASE}/submit/")

    assert f'action="{BASE}/reopen/"' in page(response)


# Changes since last year


def test_diff_shows_changed_answer(
    catalog: CatalogVersion, centre_a: Organisation, consultant_a: User
) -> None:
    last = create_assessment(centre_a, 2024, actor=consultant_a)
    answer_everything(last)
    current = create_assessment(centre_a, 2025, actor=consultant_a, copy_from=last)
    save_answer(
        answer_to(current, "4.3.2"),
        AnswerInput(
            option=option(catalog, "partial"),
            planned_date=datetime.date(2026, 3, 31),
        ),
        actor=consultant_a,
    )

    response = login(consultant_a).get(f"{BASE}/diff/")
    changes = {(c.norm, c.field) for c in response.context["changes"]}

    assert response.status_code == 200
    assert changes == {("4.3.2", "answer"), ("4.3.2", "planned_date")}
    assert "Gedeeltelijk geïmplementeerd" in page(response)
    assert "Geïmplementeerd" in page(response)


def test_diff_against_chosen_year(
    catalog: CatalogVersion, centre_a: Organisation, consultant_a: User
) -> None:
    older = create_assessment(centre_a, 2023, actor=consultant_a)
    answer_everything(older, "not_applicable")
    current = create_assessment(centre_a, 2025, actor=consultant_a)
    answer_everything(current)

    response = login(consultant_a).get(f"{BASE}/diff/?against=2023")

    assert response.context["other"] == older
    assert len(response.context["changes"]) == 28


@pytest.mark.parametrize("against", ["²", "٢٠٢٣", "9" * 5000])
def test_diff_against_bad_year_ignored(
    catalog: CatalogVersion, centre_a: Organisation, consultant_a: User, against: str
) -> None:
    older = create_assessment(centre_a, 2023, actor=consultant_a)
    answer_everything(older, "not_applicable")
    create_assessment(centre_a, 2025, actor=consultant_a)

    response = login(consultant_a).get(f"{BASE}/diff/", {"against": against})

    assert response.status_code == 200
    assert response.context["other"] is None


def test_diff_without_earlier_year(assessment: Assessment, consultant_a: User) -> None:
    response = login(consultant_a).get(f"{BASE}/diff/")

    assert response.status_code == 200
    assert response.context["other"] is None
    assert response.context["changes"] == []


# Language


def test_french_shows_catalog_in_french(
    assessment: Assessment, consultant_a: User
) -> None:
    client = login(consultant_a)

    switched = client.post(
        "/i18n/setlang/", {"language": "fr", "next": f"{BASE}/?chapter=4.4"}
    )
    response = client.get(f"{BASE}/?chapter=4.4")

    assert switched.status_code == 302
    assert switched["Location"] == f"{BASE}/?chapter=4.4"
    assert "Sauvegardes contrôlées régulièrement" in page(response)
    assert "Sécurité logique des applications" in page(response)
    assert "Mis en œuvre" in page(response)
    assert "Regelmatig gecontroleerde back-ups" not in page(response)
    assert 'lang="fr"' in page(response)


def test_dutch_is_default_language(assessment: Assessment, consultant_a: User) -> None:
    response = login(consultant_a).get(f"{BASE}/?chapter=4.4")

    assert "Regelmatig gecontroleerde back-ups" in page(response)
    assert 'lang="nl"' in page(response)


def test_french_shows_centre_name_in_french(
    assessment: Assessment, consultant_a: User
) -> None:
    client = login(consultant_a)
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})

    response = client.get(f"{BASE}/")

    assert "CPAS centre-a" in page(response)


def test_norm_history_shows_answer_labels(
    assessment: Assessment, catalog: CatalogVersion, consultant_a: User
) -> None:
    answer = answer_to(assessment, "4.9.2")
    data = answer_form(answer, option=option(catalog, "implemented").pk)
    client = login(consultant_a)
    client.post(f"{BASE}/norms/4.9.2/", data, headers=HTMX)

    response = client.get(f"{BASE}/norms/4.9.2/", headers={"Accept-Language": "en"})
    history = page(response).split('class="history"', 1)[1]

    assert "Implemented" in history
    assert ": implemented<" not in history


@pytest.mark.parametrize(
    ("path", "label"),
    [(f"{BASE}/", "Export"), (f"{BASE}/norms/4.1/", "Related registers")],
)
def test_page_label_french_colon(
    assessment: Assessment, consultant_a: User, path: str, label: str
) -> None:
    response = login(consultant_a).get(path, HTTP_ACCEPT_LANGUAGE="fr")

    with translation.override("fr"):
        french = gettext(label)
    assert response.status_code == 200
    assert f"{french}\u00a0:" in page(response)
