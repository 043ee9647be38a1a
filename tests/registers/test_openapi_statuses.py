"""The registers' OpenAPI document declares the statuses that the API returns."""

import json
from typing import Any

import pytest
from django.test import Client

from vigil.accesslog.models import ApiToken
from vigil.accesslog.tokens import create_token
from vigil.accounts.models import User
from vigil.openapi import build_document
from vigil.organisations.models import Organisation
from vigil.registers.activities.models import Activity
from vigil.registers.api import MAX_BODY_BYTES
from vigil.registers.openapi import PREFIX

pytestmark = pytest.mark.django_db

INDEX = f"{PREFIX}/"
COLLECTION = f"{PREFIX}/activities/"
RECORD = f"{PREFIX}/activities/{{pk}}"
TOO_LARGE = json.dumps({"subject": "x" * MAX_BODY_BYTES})
METHODS = ("get", "post", "patch", "delete")

# Requests whose bodies create and change reject:
# (path, method, body, content type, status).
BODY_ERRORS = [
    pytest.param(COLLECTION, "post", "x", "text/plain", 415, id="create-415"),
    pytest.param(
        COLLECTION, "post", TOO_LARGE, "application/json", 413, id="create-413"
    ),
    pytest.param(RECORD, "patch", "x", "text/plain", 415, id="change-415"),
    pytest.param(RECORD, "patch", TOO_LARGE, "application/json", 413, id="change-413"),
]
# Operations that read no body, so the same bodies change nothing:
# (path, method, status).
BODILESS = [
    (INDEX, "get", 200),
    (COLLECTION, "get", 200),
    (RECORD, "get", 200),
    (RECORD, "delete", 204),
]


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build_document()


@pytest.fixture
def secret(centre_a: Organisation) -> str:
    _token, secret = create_token(
        centre_a, "cmdb sync", actor=None, scope=ApiToken.Scope.REGISTERS
    )
    return secret


@pytest.fixture
def activity(centre_a: Organisation) -> Activity:
    return Activity.objects.create(
        organisation=centre_a, kind="training", date="2026-03-12", subject="x"
    )


def url(path: str, centre: Organisation, activity: Activity) -> str:
    return path.replace("{org}", centre.slug).replace("{pk}", str(activity.pk))


def send(
    client: Client,
    method: str,
    address: str,
    secret: str,
    body: str = "",
    content_type: str = "application/json",
    language: str = "en",
) -> Any:
    return client.generic(
        method.upper(),
        address,
        body,
        content_type=content_type,
        headers={"Authorization": f"Bearer {secret}", "Accept-Language": language},
    )


@pytest.mark.parametrize(
    ("path", "method", "body", "content_type", "status"), BODY_ERRORS
)
def test_body_error_is_declared(
    client: Client,
    document: dict[str, Any],
    secret: str,
    centre_a: Organisation,
    activity: Activity,
    path: str,
    method: str,
    body: str,
    content_type: str,
    status: int,
) -> None:
    address = url(path, centre_a, activity)
    response = send(client, method, address, secret, body, content_type)

    assert response.status_code == status
    assert str(status) in document["paths"][path][method]["responses"]


@pytest.mark.parametrize(("path", "method", "status"), BODILESS)
@pytest.mark.parametrize(
    ("body", "content_type"),
    [("x", "text/plain"), (TOO_LARGE, "application/json")],
    ids=["type", "size"],
)
def test_bodiless_operation_declares_none(
    client: Client,
    document: dict[str, Any],
    secret: str,
    centre_a: Organisation,
    activity: Activity,
    path: str,
    method: str,
    status: int,
    body: str,
    content_type: str,
) -> None:
    address = url(path, centre_a, activity)
    response = send(client, method, address, secret, body, content_type)
    declared = document["paths"][path][method]["responses"]

    assert response.status_code == status
    assert "413" not in declared
    assert "415" not in declared


@pytest.mark.parametrize("path", [INDEX, COLLECTION, RECORD])
def test_allow_matches_path_methods(
    client: Client,
    document: dict[str, Any],
    secret: str,
    centre_a: Organisation,
    activity: Activity,
    path: str,
) -> None:
    item = document["paths"][path]
    declared = [method.upper() for method in METHODS if method in item]
    response = send(client, "put", url(path, centre_a, activity), secret, "{}")

    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"
    assert response["Allow"] == ", ".join(declared)
    assert f"'Allow: {response['Allow']}'" in item["description"]
    for method in METHODS:
        if method in item:
            assert "405" not in item[method]["responses"], method


def test_every_operation_takes_accept_language(document: dict[str, Any]) -> None:
    operations = [
        (f"{method.upper()} {path}", item[method])
        for path, item in document["paths"].items()
        if path.startswith(PREFIX)
        for method in METHODS
        if method in item
    ]

    assert len(operations) > 3
    for name, operation in operations:
        names = [(item["in"], item["name"]) for item in operation["parameters"]]
        assert ("header", "Accept-Language") in names, name


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Content type 'text/plain' is not supported."),
        ("nl", "Het inhoudstype 'text/plain' wordt niet ondersteund."),
        ("fr", "Le type de contenu 'text/plain' n'est pas pris en charge."),
    ],
)
def test_declared_language_is_followed(
    client: Client,
    document: dict[str, Any],
    secret: str,
    centre_a: Organisation,
    language: str,
    message: str,
) -> None:
    declared = document["components"]["responses"]["RegisterUnsupportedMediaType"]
    languages = declared["headers"]["Content-Language"]["schema"]["enum"]
    address = url(COLLECTION, centre_a, Activity())
    response = send(client, "post", address, secret, "x", "text/plain", language)

    assert response.status_code == 415
    assert language in languages
    assert response["Content-Language"] == language
    assert response.json()["message"].startswith(message)


@pytest.mark.parametrize(
    ("path", "method", "register", "query", "body", "status"),
    [
        pytest.param(COLLECTION, "get", "activities", "?page=9", "", 404, id="list"),
        pytest.param(COLLECTION, "post", "nope", "", "{}", 404, id="create-404"),
        pytest.param(COLLECTION, "post", "activities", "", "{nope", 400, id="create"),
        pytest.param(RECORD, "patch", "activities", "", "[1]", 400, id="change"),
    ],
)
def test_other_error_is_declared(
    client: Client,
    document: dict[str, Any],
    secret: str,
    centre_a: Organisation,
    activity: Activity,
    path: str,
    method: str,
    register: str,
    query: str,
    body: str,
    status: int,
) -> None:
    target = url(path.replace("activities", register), centre_a, activity) + query
    response = send(client, method, target, secret, body)

    assert response.status_code == status
    assert str(status) in document["paths"][path][method]["responses"]


def test_index_of_other_centre_declared(
    client: Client,
    document: dict[str, Any],
    centre_a: Organisation,
    consultant_b: User,
) -> None:
    client.force_login(consultant_b)
    response = client.get(INDEX.replace("{org}", centre_a.slug))

    assert response.status_code == 404
    assert "404" in document["paths"][INDEX]["get"]["responses"]
