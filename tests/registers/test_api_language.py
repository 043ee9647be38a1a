"""The registers API's messages follow the request's Accept-Language header."""

import json
from typing import Any

import pytest
from django.test import Client

from vigil.accesslog.models import ApiToken
from vigil.accesslog.tokens import create_token
from vigil.accounts.models import User
from vigil.organisations.models import Organisation
from vigil.registers.spec import REGISTERS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hasher")]

URL = "/api/v1/centres/centre-a/registers/activities/"
LANGUAGES = ["en", "nl", "fr"]
NAMES = ", ".join(sorted(REGISTERS))

UNKNOWN_REGISTER = {
    "en": f"There is no register 'nope'. Use one of {NAMES}.",
    "nl": f"Er is geen register 'nope'. Gebruik een van {NAMES}.",
    "fr": f"Il n'existe pas de registre 'nope'. Utilisez l'un de ceux-ci\u00a0: "
    f"{NAMES}.",
}
UNKNOWN_RECORD = {
    "en": "There is no record 999999 in the register activities.",
    "nl": "Er is geen record 999999 in het register activities.",
    "fr": "Il n'existe pas d'enregistrement 999999 dans le registre activities.",
}
INVALID_TOKEN = {
    "en": "The bearer token is invalid, revoked, of another scope or of another "
    "centre. Use a live 'registers' token of this centre.",
    "nl": "Het bearer-token is ongeldig, ingetrokken, van een ander bereik of van "
    "een ander OCMW. Gebruik een geldig 'registers'-token van dit OCMW.",
    "fr": "Le jeton bearer n'est pas valide, a été révoqué, a une autre portée ou "
    "appartient à un autre CPAS. Utilisez un jeton 'registers' actif de ce CPAS.",
}
INVALID_RECORD = {
    "en": "The record is not valid.",
    "nl": "Het record is ongeldig.",
    "fr": "L'enregistrement n'est pas valide.",
}
BAD_JSON = {
    "en": "The body is not a JSON object (invalid JSON at line 1, column 2: a "
    "field name in double quotes is expected). Send one JSON object with the "
    "record's fields.",
    "nl": "De body is geen JSON-object (ongeldige JSON op regel 1, kolom 2: er "
    "wordt een veldnaam tussen dubbele aanhalingstekens verwacht). Stuur één "
    "JSON-object met de velden van het record.",
    "fr": "Le corps n'est pas un objet JSON (JSON non valide à la ligne 1, "
    "colonne 2\u00a0: un nom de champ entre guillemets doubles est attendu). "
    "Envoyez un seul objet JSON avec les champs de l'enregistrement.",
}
NOT_ALLOWED = {
    "en": "PUT is not allowed here. Use GET, POST.",
    "nl": "PUT is hier niet toegestaan. Gebruik GET, POST.",
    "fr": "PUT n'est pas autorisé ici. Utilisez GET, POST.",
}
# The date format that the field message of an invalid date names.
DATE_FORMAT = {"en": "YYYY-MM-DD", "nl": "JJJJ-MM-DD", "fr": "AAAA-MM-JJ"}
NO_PAGE = {
    "en": "There is no page '2'. The pages are 1 to 1.",
    "nl": "Er is geen pagina '2'. De pagina's zijn 1 tot en met 1.",
    "fr": "Il n'existe pas de page '2'. Les pages vont de 1 à 1.",
}
TOO_LARGE = {
    "en": "The body is larger than the limit of 1,048,576 bytes. Send only the "
    "fields of one record, without embedded files.",
    "nl": "De body is groter dan de limiet van 1.048.576 bytes. Stuur alleen de "
    "velden van één record, zonder ingebedde bestanden.",
    "fr": "Le corps dépasse la limite de 1\u00a0048\u00a0576 octets. Envoyez "
    "uniquement les champs d'un enregistrement, sans fichiers intégrés.",
}
FORBIDDEN = {
    "en": "Your role in this centre lacks the capability edit_registers.",
    "nl": "Uw rol in dit OCMW heeft het recht edit_registers niet.",
    "fr": "Votre rôle dans ce CPAS n'a pas le droit edit_registers.",
}


@pytest.fixture
def secret(centre_a: Organisation) -> str:
    _token, secret = create_token(
        centre_a, "cmdb sync", actor=None, scope=ApiToken.Scope.REGISTERS
    )
    return secret


def call(
    client: Client,
    method: str,
    url: str,
    secret: str | None,
    language: str,
    body: str | bytes = "",
) -> Any:
    headers = {"Accept-Language": language}
    if secret:
        headers["Authorization"] = f"Bearer {secret}"
    return client.generic(
        method, url, body, content_type="application/json", headers=headers
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_unknown_register_in_language(
    client: Client, secret: str, language: str
) -> None:
    url = URL.replace("activities", "nope")
    response = call(client, "GET", url, secret, language)

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert response.json()["message"] == UNKNOWN_REGISTER[language]
    assert response["Content-Language"] == language


@pytest.mark.parametrize("language", LANGUAGES)
def test_unknown_record_in_language(client: Client, secret: str, language: str) -> None:
    response = call(client, "GET", URL + "999999", secret, language)

    assert response.status_code == 404
    assert response.json()["message"] == UNKNOWN_RECORD[language]
    assert response["Content-Language"] == language


@pytest.mark.parametrize("language", LANGUAGES)
def test_invalid_token_in_language(client: Client, language: str) -> None:
    response = call(client, "GET", URL, "vgl_nonsense", language)

    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
    assert response.json()["message"] == INVALID_TOKEN[language]
    assert response["WWW-Authenticate"] == 'Bearer realm="vigil"'


@pytest.mark.parametrize("language", LANGUAGES)
def test_invalid_record_in_language(client: Client, secret: str, language: str) -> None:
    body = json.dumps({"kind": "training", "date": "12/03/2026", "subject": "x"})
    response = call(client, "POST", URL, secret, language, body)

    assert response.status_code == 422
    assert response.json()["error"] == "invalid"
    assert response.json()["message"] == INVALID_RECORD[language]
    assert list(response.json()["errors"]) == ["date"]
    assert DATE_FORMAT[language] in response.json()["errors"]["date"][0]


@pytest.mark.parametrize("language", LANGUAGES)
def test_bad_json_in_language(client: Client, secret: str, language: str) -> None:
    response = call(client, "POST", URL, secret, language, "{nope")

    assert response.status_code == 400
    assert response.json()["error"] == "bad_json"
    assert response.json()["message"] == BAD_JSON[language]


@pytest.mark.parametrize("language", LANGUAGES)
def test_method_not_allowed_in_language(
    client: Client, secret: str, language: str
) -> None:
    response = call(client, "PUT", URL, secret, language, "{}")

    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"
    assert response.json()["message"] == NOT_ALLOWED[language]
    assert response["Allow"] == "GET, POST"


@pytest.mark.parametrize("language", LANGUAGES)
def test_page_past_last_in_language(client: Client, secret: str, language: str) -> None:
    response = call(client, "GET", URL + "?page=2", secret, language)

    assert response.status_code == 404
    assert response.json()["message"] == NO_PAGE[language]


@pytest.mark.parametrize("language", LANGUAGES)
def test_too_large_in_language(client: Client, secret: str, language: str) -> None:
    body = json.dumps({"subject": "x" * (1024 * 1024)})
    response = call(client, "POST", URL, secret, language, body)

    assert response.status_code == 413
    assert response.json()["error"] == "too_large"
    assert response.json()["message"] == TOO_LARGE[language]


@pytest.mark.parametrize("language", LANGUAGES)
def test_forbidden_in_language(client: Client, viewer_a: User, language: str) -> None:
    client.force_login(viewer_a)
    response = call(client, "POST", URL, None, language, "{}")

    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    assert response.json()["message"] == FORBIDDEN[language]


def test_invalid_utf8_names_byte(client: Client, secret: str) -> None:
    response = call(client, "POST", URL, secret, "en", b'{"subject": "\xff"}')

    assert response.status_code == 400
    assert response.json()["error"] == "bad_json"
    assert response.json()["message"].startswith(
        "The body is not valid UTF-8 at byte 13 (0xff), so nothing was stored."
    )


def test_without_header_in_default_language(client: Client, secret: str) -> None:
    response = client.get(
        URL.replace("activities", "nope"),
        headers={"Authorization": f"Bearer {secret}"},
    )

    assert response.json()["message"] == UNKNOWN_REGISTER["nl"]
    assert response["Content-Language"] == "nl"
