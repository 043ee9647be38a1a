"""The "inclusion proof" link when no proof can be given: a page or JSON."""

import html
import re
from typing import Any

import pytest
from django.conf import LazySettings
from django.test import Client
from django.urls import reverse

from tests.accesslog.factories import ingest_batches, ingest_range, tampering
from vigil.accesslog.models import AccessEntry
from vigil.accounts.models import User
from vigil.organisations.models import Organisation

# What a browser sends when it follows a link, as Firefox and Chromium do.
BROWSER_ACCEPT = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,"
    "image/webp,*/*;q=0.8"
)


@pytest.fixture
def damaged(centre_a: Organisation) -> Organisation:
    """Fifteen entries, of which entry 3 was changed behind the triggers."""
    ingest_batches(centre_a, 3, 5)
    with tampering():
        AccessEntry.objects.filter(organisation=centre_a, index=3).update(
            user_id="U999"
        )
    return centre_a


def proof_url(organisation: Organisation, index: int) -> str:
    return reverse("accesslog:proof", kwargs={"org": organisation.slug, "index": index})


def browser(user: User, language: str) -> Client:
    client = Client(headers={"Accept": BROWSER_ACCEPT, "Accept-Language": language})
    client.force_login(user)
    return client


def page_text(response: Any) -> str:
    """Return the page with entities decoded and blanks collapsed."""
    return " ".join(html.unescape(response.content.decode()).split())


def without_tags(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text)


@pytest.mark.parametrize(
    ("language", "heading", "advice"),
    [
        (
            "en",
            "No inclusion proof of entry 3",
            "The status page shows the result of the last verification.",
        ),
        (
            "nl",
            "Geen inclusiebewijs van logregel 3",
            "De statuspagina toont het resultaat van de laatste verificatie.",
        ),
        (
            "fr",
            "Pas de preuve d'inclusion de l'entrée 3",
            "La page de statut montre le résultat de la dernière vérification.",
        ),
    ],
)
def test_damaged_log_proof_page_for_browser(
    consultant_a: User, damaged: Organisation, language: str, heading: str, advice: str
) -> None:
    response = browser(consultant_a, language).get(proof_url(damaged, 3))
    assert response.status_code == 409
    assert response["Content-Type"].startswith("text/html")
    assert response["Content-Language"] == language
    assert "Content-Disposition" not in response
    text = page_text(response)
    assert f"<h1>{heading}</h1>" in text
    assert advice in without_tags(text)
    assert f"vigil accesslog verify --org {damaged.slug}" in text
    status = reverse("accesslog:status", kwargs={"org": damaged.slug})
    assert f'href="{status}"' in text


def test_damaged_log_proof_json_when_asked(
    consultant_a: User, damaged: Organisation
) -> None:
    client = Client(headers={"Accept": "application/json"})
    client.force_login(consultant_a)
    response = client.get(proof_url(damaged, 3))
    assert response.status_code == 409
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == "log_damaged"
    assert "Accept" in [name.strip() for name in response["Vary"].split(",")]


def test_uncovered_entry_proof_page_for_browser(
    consultant_a: User, centre_a: Organisation, settings: LazySettings
) -> None:
    settings.VIGIL_CHECKPOINT_INTERVAL_SECONDS = 3600
    ingest_range(centre_a, 0, 1)
    ingest_range(centre_a, 1, 2)
    response = browser(consultant_a, "en").get(proof_url(centre_a, 1))
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    text = page_text(response)
    assert "<h1>No inclusion proof of entry 1</h1>" in text
    assert "vigil accesslog checkpoint --org centre-a" in text


def test_missing_entry_proof_json_404(
    consultant_a: User, centre_a: Organisation
) -> None:
    ingest_range(centre_a, 0, 15)
    client = Client(headers={"Accept": "application/json", "Accept-Language": "en"})
    client.force_login(consultant_a)
    response = client.get(proof_url(centre_a, 99999))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": "not_found",
        "message": "entry 99999 does not exist. The log has entries 0 to 14",
    }
    assert "Accept" in [name.strip() for name in response["Vary"].split(",")]


def test_missing_entry_of_empty_log_json_404(
    consultant_a: User, centre_a: Organisation
) -> None:
    client = Client(headers={"Accept": "application/json", "Accept-Language": "fr"})
    client.force_login(consultant_a)
    response = client.get(proof_url(centre_a, 0))
    assert response.status_code == 404
    assert response.json() == {
        "error": "not_found",
        "message": "l'entrée 0 n'existe pas. Le journal est vide",
    }


def test_missing_entry_proof_page_for_browser(
    consultant_a: User, centre_a: Organisation
) -> None:
    ingest_range(centre_a, 0, 15)
    response = browser(consultant_a, "nl").get(proof_url(centre_a, 99999))
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    text = page_text(response)
    assert "<h1>Geen inclusiebewijs van logregel 99999</h1>" in text
    assert (
        "Logregel 99999 bestaat niet. De log heeft logregels 0 tot en met 14." in text
    )
