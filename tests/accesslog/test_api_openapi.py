"""The OpenAPI 3.1 document of the ingestion API and its event schema."""

import json
from typing import Any

import pytest
from django.test import Client
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from vigil.accesslog.models import Action
from vigil.accesslog.openapi import (
    DOCUMENT_PATH,
    EVENTS_PATH,
    EXAMPLE_EVENT,
    NDJSON,
    build_document,
)

DOCUMENT_URI = "urn:vigil:openapi"


def validator_for(document: dict[str, Any], name: str) -> Draft202012Validator:
    """Return a validator of ``components/schemas/<name>`` that resolves $refs."""
    resource = DRAFT202012.create_resource(document)
    registry: Registry[Any] = Registry().with_resource(DOCUMENT_URI, resource)
    schema = {"$ref": f"{DOCUMENT_URI}#/components/schemas/{name}"}
    return Draft202012Validator(schema, registry=registry)


@pytest.fixture
def document() -> dict[str, Any]:
    return build_document()


def test_document_served_as_json(client: Client) -> None:
    response = client.get(DOCUMENT_PATH)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    served = json.loads(response.content)
    # The served document is Vigil's whole API: ingestion plus the registers.
    for path, item in build_document()["paths"].items():
        assert served["paths"][path] == json.loads(json.dumps(item))
    assert served["components"]["schemas"]["Event"] == json.loads(
        json.dumps(build_document()["components"]["schemas"]["Event"])
    )


def test_document_rejects_post(client: Client) -> None:
    response = client.post(DOCUMENT_PATH)
    assert response.status_code == 405


def test_document_is_openapi_31(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1.")
    assert {"info", "paths", "components"} <= set(document)
    assert document["info"]["title"]
    assert document["info"]["version"]


def test_document_describes_endpoint(document: dict[str, Any]) -> None:
    operation = document["paths"][EVENTS_PATH]["post"]
    content = operation["requestBody"]["content"]
    assert set(content) == {"application/json", NDJSON}
    assert set(operation["responses"]) >= {"200", "400", "401", "413", "422"}
    assert operation["security"] == [{"bearerAuth": []}]
    scheme = document["components"]["securitySchemes"]["bearerAuth"]
    assert scheme == {**scheme, "type": "http", "scheme": "bearer"}


def test_document_names_language_headers(document: dict[str, Any]) -> None:
    operation = document["paths"][EVENTS_PATH]["post"]
    names = [(item["in"], item["name"]) for item in operation["parameters"]]
    assert names == [("header", "Accept-Language")]
    for status, response in operation["responses"].items():
        if status != "200":
            assert "Content-Language" in response["headers"], status


def test_schemas_are_valid_json_schema(document: dict[str, Any]) -> None:
    for schema in document["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_event_schema_wire_names(document: dict[str, Any]) -> None:
    event = document["components"]["schemas"]["Event"]
    assert set(event["properties"]) == {
        "event_id",
        "time",
        "user_id",
        "application",
        "action",
        "subject",
        "service",
        "case_ref",
        "source_ip",
        "outcome",
    }
    assert set(event["properties"]) - set(event["required"]) == {
        "case_ref",
        "source_ip",
        "outcome",
    }
    assert event["properties"]["action"]["enum"] == [
        "consult",
        "create",
        "modify",
        "delete",
        "print",
        "export",
    ]
    assert event["properties"]["action"]["enum"] == list(Action.values)
    assert event["properties"]["time"]["format"] == "date-time"


def test_example_event_matches_schema(document: dict[str, Any]) -> None:
    validator = validator_for(document, "Event")
    validator.validate(document["components"]["schemas"]["Event"]["example"])
    body = document["paths"][EVENTS_PATH]["post"]["requestBody"]["content"]
    for event in body["application/json"]["example"]:
        validator.validate(event)
    for line in body[NDJSON]["example"].splitlines():
        validator.validate(json.loads(line))


def test_event_schema_rejects_bad_event(document: dict[str, Any]) -> None:
    validator = validator_for(document, "Event")
    with pytest.raises(ValidationError):
        validator.validate({**EXAMPLE_EVENT, "action": "read"})
    with pytest.raises(ValidationError):
        validator.validate({k: v for k, v in EXAMPLE_EVENT.items() if k != "user_id"})
