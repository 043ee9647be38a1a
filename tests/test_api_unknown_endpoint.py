"""Paths under /api/ that name no endpoint get a JSON 404, not a web page."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_unknown_api_path_json_404(client: Client) -> None:
    response = client.get("/api/v1/registers/", headers={"Accept-Language": "en"})

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": "not_found",
        "message": "No API endpoint is at /api/v1/registers/. The endpoints "
        "are listed in /api/v1/openapi.json",
    }


def test_missing_slash_names_path(client: Client) -> None:
    response = client.post(
        "/api/v1/centres/centre-a/registers/activities",
        "{}",
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 404
    assert response.json()["message"] == (
        "No API endpoint is at /api/v1/centres/centre-a/registers/activities. "
        "Add the final slash: /api/v1/centres/centre-a/registers/activities/"
    )


def test_unknown_api_path_in_dutch(client: Client) -> None:
    response = client.get("/api/v2/", headers={"Accept-Language": "nl"})

    assert response.status_code == 404
    assert response.json()["message"].startswith("Er is geen API-eindpunt op /api/v2/.")


def test_known_endpoint_unchanged(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Vigil API"


def test_post_unknown_path_json_404() -> None:
    # A program sends no CSRF cookie or token.
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/accesslog/events/",
        "[]",
        content_type="application/json",
        headers={"Accept-Language": "en", "Authorization": "Bearer x"},
    )

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": "not_found",
        "message": "No API endpoint is at /api/v1/accesslog/events/. Remove the "
        "final slash: /api/v1/accesslog/events",
    }
