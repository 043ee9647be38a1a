"""The access-log API's messages follow the request's Accept-Language header."""

import json

import pytest
from django.conf import LazySettings
from django.test import Client

from tests.accesslog.factories import event
from tests.accesslog.test_api_ingest import post, secret

__all__ = ["secret"]

INVALID_TOKEN = {
    "en": "The bearer token is invalid or revoked. Send 'Authorization: Bearer "
    "<token>' with a live ingestion token of the organisation.",
    "nl": "Het bearer-token is ongeldig of ingetrokken. Stuur 'Authorization: "
    "Bearer <token>' met een geldig aanlevertoken van de organisatie.",
    "fr": "Le jeton bearer n'est pas valide ou a été révoqué. Envoyez "
    "'Authorization: Bearer <token>' avec un jeton d'alimentation actif de "
    "l'organisation.",
}
BATCH_REJECTED = {
    "en": "The batch contains invalid events, so nothing was stored.",
    "nl": "De batch bevat ongeldige gebeurtenissen, dus er is niets opgeslagen.",
    "fr": "Le lot contient des événements non valides, donc rien n'a été enregistré.",
}
# Each language writes the sizes as it writes numbers: Django's French
# format groups the thousands with a no-break space (U+00A0).
TOO_LARGE = {
    "en": "The body is 7,340,032 bytes (7 MiB), larger than the limit of "
    "5,242,880 bytes (5 MiB). Split the batch into smaller batches of at most "
    "5 MiB and send them one by one.",
    "nl": "De body is 7.340.032 bytes (7 MiB), groter dan de limiet van "
    "5.242.880 bytes (5 MiB). Splits de batch in kleinere batches van "
    "hoogstens 5 MiB en stuur ze een voor een.",
    "fr": "Le corps fait 7\u00a0340\u00a0032 octets (7 MiB), plus que la limite "
    "de 5\u00a0242\u00a0880 octets (5 MiB). Divisez le lot en lots plus petits "
    "d'au plus 5 MiB et envoyez-les un par un.",
}
LANGUAGES = ["en", "nl", "fr"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_unauthorized_message_in_language(
    client: Client, secret: str, language: str
) -> None:
    response = post(client, "[]", secret=secret + "x", language=language)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
    assert response.json()["message"] == INVALID_TOKEN[language]
    assert response["Content-Language"] == language


@pytest.mark.parametrize("language", LANGUAGES)
def test_rejected_batch_message_in_language(
    client: Client, secret: str, language: str
) -> None:
    body = json.dumps([event(1, action="read")])
    response = post(client, body, secret=secret, language=language)
    assert response.status_code == 422
    result = response.json()
    assert result["error"] == "batch_rejected"
    assert result["message"] == BATCH_REJECTED[language]
    assert result["errors"][0]["field"] == "action"
    assert result["errors"][0]["value"] == "read"
    assert response["Content-Language"] == language


@pytest.mark.parametrize("language", LANGUAGES)
def test_too_large_sizes_in_language(
    client: Client, secret: str, language: str
) -> None:
    response = post(client, "x" * (7 * 1024**2), secret=secret, language=language)
    assert response.status_code == 413
    assert response.json()["message"] == TOO_LARGE[language]


def test_hidden_errors_sentence_in_dutch(client: Client, secret: str) -> None:
    response = post(client, json.dumps([{}] * 3000), secret=secret, language="nl")
    assert response.status_code == 422
    assert response.json()["message"].endswith(
        " De eerste 1.000 fouten staan in het veld errors, en nog 20.000 fouten "
        "werden niet vermeld."
    )


def test_message_without_header_in_default_language(
    client: Client, secret: str, settings: LazySettings
) -> None:
    # Without Accept-Language, LocaleMiddleware activates VIGIL_LANGUAGE.
    assert settings.LANGUAGE_CODE == "nl"
    response = client.post(
        "/api/v1/accesslog/events",
        "[]",
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}x"},
    )
    assert response.status_code == 401
    assert response.json()["message"] == INVALID_TOKEN["nl"]
    assert response["Content-Language"] == "nl"


def test_language_with_region(client: Client, secret: str) -> None:
    response = post(client, "[]", secret=secret + "x", language="fr-BE, nl;q=0.5")
    assert response.json()["message"] == INVALID_TOKEN["fr"]
    assert response["Content-Language"] == "fr"


def test_unsupported_language_gets_default(client: Client, secret: str) -> None:
    response = post(client, "[]", secret=secret + "x", language="de-DE")
    assert response.json()["message"] == INVALID_TOKEN["nl"]
    assert response["Content-Language"] == "nl"


def test_server_log_stays_english(
    client: Client, secret: str, caplog: pytest.LogCaptureFixture
) -> None:
    response = post(
        client,
        "event_id,time\n",
        secret=secret,
        content_type="text/csv",
        language="fr",
    )
    assert response.status_code == 415
    assert response.json()["message"].startswith("Le type de contenu 'text/csv'")
    logged = [record.getMessage() for record in caplog.records]
    assert any(
        "rejected with 415 unsupported_media_type: Content type 'text/csv' is "
        "not supported" in message
        for message in logged
    ), logged
