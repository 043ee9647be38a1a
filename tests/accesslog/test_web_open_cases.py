"""The list of open case files on the detection page, and runs without it."""

import html
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import CharField
from django.test import Client
from django.urls import reverse

from tests.accesslog.factories import national_number
from vigil.accesslog.detection.lists import change_open_cases
from vigil.accesslog.detection.models import OpenCase
from vigil.accesslog.detection.services import update_settings
from vigil.accesslog.events import CASE_REF_MAX_LENGTH
from vigil.accesslog.models import AccessEntry
from vigil.accounts.models import User
from vigil.audit.models import AuditEntry
from vigil.organisations.models import Organisation

EMPTY_FORM = {"case_refs": "", "national_numbers": ""}


def url(name: str, organisation: Organisation) -> str:
    return reverse(f"accesslog:{name}", kwargs={"org": organisation.slug})


def client_in(user: User, language: str) -> Client:
    client = Client(headers={"Accept-Language": language})
    client.force_login(user)
    return client


def page_messages(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def form_errors(response: Any) -> str:
    form = response.context["open_cases_form"]
    return " ".join(
        message for messages in form.errors.values() for message in messages
    )


def audits() -> Any:
    return AuditEntry.objects.filter(action="accesslog.open_cases_changed")


@pytest.fixture
def listed(centre_a: Organisation) -> Organisation:
    """Centre A with two case file references, added with one audit entry."""
    change_open_cases(
        centre_a,
        case_refs=["D-1", "D-2"],
        national_numbers=[],
        replace=False,
        actor=None,
    )
    return centre_a


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "tick “Empty the list”"),
        ("nl", "vink “De lijst leegmaken” aan"),
        ("fr", "cochez «\u00a0Vider la liste\u00a0»"),
    ],
)
def test_replace_with_nothing_rejected(
    consultant_a: User, listed: Organisation, language: str, expected: str
) -> None:
    response = client_in(consultant_a, language).post(
        url("open_cases", listed), {**EMPTY_FORM, "replace": "on"}
    )
    assert response.status_code == 400
    assert expected in form_errors(response)
    assert OpenCase.objects.filter(organisation=listed).count() == 2
    assert audits().count() == 1


def test_replace_with_header_only_csv_rejected(
    consultant_a: User, listed: Organisation
) -> None:
    upload = SimpleUploadedFile("open.csv", b"insz\n", content_type="text/csv")
    response = client_in(consultant_a, "en").post(
        url("open_cases", listed),
        {**EMPTY_FORM, "csv_file": upload, "replace": "on"},
    )
    assert response.status_code == 400
    assert "would remove all 2 open case files" in form_errors(response)
    assert OpenCase.objects.filter(organisation=listed).count() == 2


def test_add_nothing_rejected(consultant_a: User, listed: Organisation) -> None:
    response = client_in(consultant_a, "en").post(url("open_cases", listed), EMPTY_FORM)
    assert response.status_code == 400
    assert "Enter case file references or national numbers" in form_errors(response)
    assert audits().count() == 1


def test_empty_list_on_purpose(consultant_a: User, listed: Organisation) -> None:
    response = client_in(consultant_a, "en").post(
        url("open_cases", listed), {**EMPTY_FORM, "empty_list": "on"}, follow=True
    )
    assert response.status_code == 200
    assert page_messages(response) == ["2 open case files removed; the list is empty."]
    assert not OpenCase.objects.filter(organisation=listed).exists()
    assert audits().count() == 2
    audit = audits().latest("pk")
    assert audit.new_values == {"added": 0, "removed": 2, "total": 0}


def test_empty_list_with_entries_rejected(
    consultant_a: User, listed: Organisation
) -> None:
    response = client_in(consultant_a, "en").post(
        url("open_cases", listed),
        {"case_refs": "D-3", "national_numbers": "", "empty_list": "on"},
    )
    assert response.status_code == 400
    assert "leave the fields above empty" in form_errors(response)
    values = OpenCase.objects.filter(organisation=listed).values_list("value")
    assert sorted(value for (value,) in values) == ["D-1", "D-2"]


def test_service_rejects_replace_with_nothing(listed: Organisation) -> None:
    with pytest.raises(ValidationError) as caught:
        change_open_cases(
            listed, case_refs=[], national_numbers=[], replace=True, actor=None
        )
    assert "replace" in caught.value.message_dict
    assert OpenCase.objects.filter(organisation=listed).count() == 2


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            "Consultation without an open case file: skipped, because the list "
            "of open case files is empty.",
        ),
        (
            "nl",
            "Raadpleging zonder lopend dossier: overgeslagen, omdat de lijst van "
            "lopende dossiers leeg is.",
        ),
        (
            "fr",
            "Consultation sans dossier ouvert\u00a0: règle ignorée, car la liste "
            "des dossiers ouverts est vide.",
        ),
    ],
)
def test_run_says_open_case_rule_skipped(
    consultant_a: User, centre_a: Organisation, language: str, expected: str
) -> None:
    update_settings(centre_a, {"check_open_cases": True}, actor=None)
    response = client_in(consultant_a, language).post(
        url("detection_run", centre_a),
        {"since": "2026-03-02", "until": "2026-03-02"},
        follow=True,
    )
    warnings = [
        str(message)
        for message in response.context["messages"]
        if message.level_tag == "warning"
    ]
    assert len(warnings) == 1
    assert warnings[0].startswith(expected)


@pytest.mark.parametrize(
    ("language", "one_line", "two_lines"),
    [
        (
            "en",
            "Line 2 contains no valid national or BIS number, so nothing was saved.",
            "Lines 1, 2 contain no valid national or BIS number, so nothing was saved.",
        ),
        (
            "nl",
            "Regel 2 bevat geen geldig rijksregister- of bisnummer, dus er is "
            "niets opgeslagen.",
            "Regels 1, 2 bevatten geen geldig rijksregister- of bisnummer, dus er "
            "is niets opgeslagen.",
        ),
        (
            "fr",
            "La ligne 2 ne contient aucun numéro de registre national ou numéro "
            "bis valide\u00a0: rien n'a donc été enregistré.",
            "Les lignes 1, 2 ne contiennent aucun numéro de registre national ou "
            "numéro bis valide\u00a0: rien n'a donc été enregistré.",
        ),
    ],
)
def test_invalid_lines_counted(
    consultant_a: User,
    centre_a: Organisation,
    language: str,
    one_line: str,
    two_lines: str,
) -> None:
    client = client_in(consultant_a, language)
    valid = national_number(1)
    one = client.post(
        url("open_cases", centre_a),
        {"case_refs": "", "national_numbers": f"{valid}\n12345"},
    )
    two = client.post(
        url("open_cases", centre_a),
        {"case_refs": "", "national_numbers": "12345\n67890"},
    )
    assert one.status_code == 400
    assert form_errors(one) == one_line
    assert form_errors(two) == two_lines


@pytest.mark.parametrize(
    ("language", "hint"),
    [
        ("en", "Line 2 has 10 digits: if a spreadsheet dropped the leading 0"),
        ("nl", "Regel 2 heeft 10 cijfers: als een rekenblad de eerste 0"),
        ("fr", "La ligne 2 compte 10 chiffres\u00a0: si un tableur a supprimé le 0"),
    ],
)
def test_ten_digit_line_gets_hint(
    consultant_a: User, centre_a: Organisation, language: str, hint: str
) -> None:
    ten_digits = national_number(1, birth="050730")[1:]
    response = client_in(consultant_a, language).post(
        url("open_cases", centre_a),
        {"case_refs": "", "national_numbers": f"{national_number(2)}\n{ten_digits}"},
    )
    assert response.status_code == 400
    errors = form_errors(response)
    assert hint in errors
    assert ten_digits not in response.content.decode()


@pytest.mark.parametrize(
    ("language", "saved", "counts"),
    [
        (
            "en",
            "1 added, 1 removed; 1 open case file.",
            "1 case file reference and 1 data subject with an open case.",
        ),
        (
            "nl",
            "1 toegevoegd, 1 verwijderd; 1 lopend dossier.",
            "1 dossierreferentie en 1 betrokkene met een lopend dossier.",
        ),
        (
            "fr",
            "1 ajouté, 1 supprimé\u00a0; 1 dossier ouvert.",
            "1 référence de dossier et 1 personne concernée ayant un dossier ouvert.",
        ),
    ],
)
def test_counts_of_one_in_singular(
    consultant_a: User, listed: Organisation, language: str, saved: str, counts: str
) -> None:
    client = client_in(consultant_a, language)
    OpenCase.objects.filter(organisation=listed, value="D-2").delete()
    response = client.post(
        url("open_cases", listed),
        {"case_refs": "D-3", "national_numbers": "", "replace": "on"},
        follow=True,
    )
    assert page_messages(response) == [saved]
    change_open_cases(
        listed,
        case_refs=[],
        national_numbers=[national_number(1)],
        replace=False,
        actor=None,
    )
    page = " ".join(client.get(url("detection", listed)).content.decode().split())
    assert counts in html.unescape(page)


# One character over the limit of OpenCase.value and AccessEntry.case_ref.
TOO_LONG_REF = "D-" + "7" * 99
SHOWN_TOO_LONG_REF = TOO_LONG_REF[:59] + "…"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            f"Line 3: the case file reference “{SHOWN_TOO_LONG_REF}” has 101 "
            "characters. Shorten it to at most 100, the maximum in the access "
            "log. Nothing was saved.",
        ),
        (
            "nl",
            f"Regel 3: de dossierreferentie “{SHOWN_TOO_LONG_REF}” heeft 101 "
            "tekens. Kort ze in tot hoogstens 100, het maximum in de toegangslog. "
            "Er is niets opgeslagen.",
        ),
        (
            "fr",
            f"Ligne 3\u00a0: la référence de dossier «\u00a0{SHOWN_TOO_LONG_REF}"
            "\u00a0» compte 101 caractères. Raccourcissez-la à 100 caractères au "
            "maximum, le maximum du journal des accès. Rien n'a été enregistré.",
        ),
    ],
)
def test_too_long_case_ref_rejected(
    consultant_a: User, listed: Organisation, language: str, expected: str
) -> None:
    response = client_in(consultant_a, language).post(
        url("open_cases", listed),
        {
            "case_refs": f"D-3\n\n{TOO_LONG_REF}",
            "national_numbers": national_number(1),
            "replace": "on",
        },
    )
    assert response.status_code == 400
    assert form_errors(response) == expected
    values = OpenCase.objects.filter(organisation=listed).values_list("value")
    assert sorted(value for (value,) in values) == ["D-1", "D-2"]
    assert audits().count() == 1


def test_too_long_case_refs_listed_then_counted(
    consultant_a: User, centre_a: Organisation
) -> None:
    lines = [f"{TOO_LONG_REF}{number}" for number in range(8)]
    response = client_in(consultant_a, "en").post(
        url("open_cases", centre_a),
        {"case_refs": "\n".join(lines), "national_numbers": ""},
    )
    assert response.status_code == 400
    errors = list(response.context["open_cases_form"].errors["case_refs"])
    assert len(errors) == 6
    assert [error.split(":")[0] for error in errors[:5]] == [
        f"Line {number}" for number in range(1, 6)
    ]
    assert errors[5] == "3 more lines have a case file reference that is too long."
    assert not OpenCase.objects.filter(organisation=centre_a).exists()


def test_case_ref_at_limit_saved(consultant_a: User, centre_a: Organisation) -> None:
    at_limit = TOO_LONG_REF[:100]
    response = client_in(consultant_a, "en").post(
        url("open_cases", centre_a),
        {"case_refs": at_limit, "national_numbers": ""},
        follow=True,
    )
    assert page_messages(response) == ["1 added, 0 removed; 1 open case file."]
    stored = OpenCase.objects.get(organisation=centre_a)
    assert stored.value == at_limit


def test_service_rejects_too_long_case_ref(listed: Organisation) -> None:
    with pytest.raises(ValidationError) as caught:
        change_open_cases(
            listed,
            case_refs=["D-3", TOO_LONG_REF],
            national_numbers=[national_number(1)],
            replace=True,
            actor=None,
        )
    assert caught.value.message_dict == {
        "case_refs": [
            f"De dossierreferentie “{SHOWN_TOO_LONG_REF}” heeft 101 tekens. Kort "
            "ze in tot hoogstens 100, het maximum in de toegangslog. Er is niets "
            "opgeslagen."
        ]
    }
    values = OpenCase.objects.filter(organisation=listed).values_list("value")
    assert sorted(value for (value,) in values) == ["D-1", "D-2"]
    assert audits().count() == 1


def test_open_case_limit_matches_access_log() -> None:
    open_case = OpenCase._meta.get_field("value")
    entry = AccessEntry._meta.get_field("case_ref")
    assert isinstance(open_case, CharField)
    assert isinstance(entry, CharField)
    assert open_case.max_length == CASE_REF_MAX_LENGTH
    assert entry.max_length == CASE_REF_MAX_LENGTH


def test_subject_pseudonym_fits_open_case(centre_a: Organisation) -> None:
    change_open_cases(
        centre_a,
        case_refs=[],
        national_numbers=[national_number(1)],
        replace=False,
        actor=None,
    )
    stored = OpenCase.objects.get(organisation=centre_a)
    assert len(stored.value) == 64


def test_service_counts_too_long_case_refs(centre_a: Organisation) -> None:
    references = [f"{TOO_LONG_REF}{number}" for number in range(7)]
    with pytest.raises(ValidationError) as caught:
        change_open_cases(
            centre_a,
            case_refs=references,
            national_numbers=[],
            replace=False,
            actor=None,
        )
    errors = caught.value.message_dict["case_refs"]
    assert len(errors) == 6
    assert errors[5] == "Nog 2 dossierreferenties zijn te lang."
    assert not OpenCase.objects.filter(organisation=centre_a).exists()


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            "Line 2: the case file reference “D-3\ufffd4” contains the character "
            "U+0009, which cannot be printed, so no logged case file reference "
            "contains it. Remove it. Nothing was saved.",
        ),
        (
            "fr",
            "Ligne 2\u00a0: la référence de dossier «\u00a0D-3\ufffd4\u00a0» "
            "contient le caractère U+0009, qui n'est pas imprimable, donc aucune "
            "référence de dossier journalisée ne le contient. Supprimez-le. Rien "
            "n'a été enregistré.",
        ),
    ],
)
def test_unprintable_case_ref_rejected(
    consultant_a: User, listed: Organisation, language: str, expected: str
) -> None:
    response = client_in(consultant_a, language).post(
        url("open_cases", listed),
        {"case_refs": "D-3\nD-3\t4", "national_numbers": "", "replace": "on"},
    )
    assert response.status_code == 400
    assert form_errors(response) == expected
    values = OpenCase.objects.filter(organisation=listed).values_list("value")
    assert sorted(value for (value,) in values) == ["D-1", "D-2"]
    assert audits().count() == 1


def test_service_rejects_unprintable_case_ref(listed: Organisation) -> None:
    with pytest.raises(ValidationError) as caught:
        change_open_cases(
            listed,
            case_refs=["D-3", "D-4\x00"],
            national_numbers=[],
            replace=True,
            actor=None,
        )
    assert caught.value.message_dict == {
        "case_refs": [
            "De dossierreferentie “D-4\ufffd” bevat het teken U+0000, dat niet "
            "afdrukbaar is, zodat geen gelogde dossierreferentie het bevat. "
            "Verwijder het. Er is niets opgeslagen."
        ]
    }
    values = OpenCase.objects.filter(organisation=listed).values_list("value")
    assert sorted(value for (value,) in values) == ["D-1", "D-2"]
