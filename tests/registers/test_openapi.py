"""The registers in the OpenAPI document match what the API accepts."""

from typing import Any

import pytest
from django.test import Client
from jsonschema import Draft202012Validator

from vigil.openapi import build_document
from vigil.organisations.models import Organisation
from vigil.registers.openapi import PREFIX, schema_name
from vigil.registers.spec import REGISTERS, RegisterSpec

SPECS = sorted(REGISTERS.values(), key=lambda spec: spec.slug)


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build_document()


def test_document_has_both_parts(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1")
    assert "/api/v1/accesslog/events" in document["paths"]
    assert f"{PREFIX}/" in document["paths"]


@pytest.mark.django_db
@pytest.mark.parametrize("spec", [pytest.param(s, id=s.slug) for s in SPECS])
def test_example_matches_the_schema(
    spec: RegisterSpec, document: dict[str, Any], centre_a: Organisation
) -> None:
    schema = document["components"]["schemas"][schema_name(spec)]
    validator = Draft202012Validator(schema)
    example: dict[str, Any] = dict(spec.example(centre_a))
    for name, value in list(example.items()):
        kind = schema["properties"][name]
        kinds = [kind, *kind.get("anyOf", [])]
        if any(item.get("type") == "boolean" for item in kinds):
            example[name] = value.lower() == "true"
        elif any(item.get("type") == "integer" for item in kinds):
            example[name] = int(value)
        elif any(item.get("type") == "array" for item in kinds):
            example[name] = [part.strip() for part in value.split(";") if part.strip()]

    validator.validate(example)
    assert f"{PREFIX}/{spec.slug}/{{pk}}" in document["paths"]


def test_document_is_served(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert "Register_activities" in response.json()["components"]["schemas"]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "POST is not allowed here. Use GET."),
        ("nl", "POST is hier niet toegestaan. Gebruik GET."),
        ("fr", "POST n'est pas autorisé ici. Utilisez GET."),
    ],
)
def test_document_post_in_language(client: Client, language: str, message: str) -> None:
    response = client.post(
        "/api/v1/openapi.json",
        "{}",
        content_type="application/json",
        headers={"Accept-Language": language},
    )

    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"
    assert response.json()["message"] == message
    assert response["Allow"] == "GET, HEAD"
    assert response["Content-Language"] == language


def test_every_operation_lists_401_and_403(document: dict[str, Any]) -> None:
    responses = document["components"]["responses"]
    operations = [
        (f"{method.upper()} {path}", operation)
        for path, item in document["paths"].items()
        if path.startswith(PREFIX)
        for method, operation in item.items()
        if method in ("get", "post", "patch", "delete")
    ]

    assert operations
    for name, operation in operations:
        assert "401" in operation["responses"], name
        assert "403" in operation["responses"], name
    assert "insufficient_scope" in responses["RegisterForbidden"]["description"]
    assert "revoked" in responses["RegisterUnauthorized"]["description"]
