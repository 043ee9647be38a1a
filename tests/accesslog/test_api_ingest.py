"""``POST /api/v1/accesslog/events``: authentication, parsing, errors, results."""

import json
from typing import Any

import pytest
from django.conf import LazySettings
from django.db import OperationalError
from django.test import Client
from django.utils import translation

from tests.accesslog.factories import event
from vigil.accesslog.api import too_large_message
from vigil.accesslog.models import AccessEntry, ApiToken, LogCheckpoint
from vigil.accesslog.openapi import EVENTS_PATH, build_document
from vigil.accesslog.tokens import create_token, revoke_token
from vigil.accounts.models import User
from vigil.organisations.models import Organisation

NDJSON = "application/x-ndjson"


@pytest.fixture
def secret(centre_a: Organisation, consultant_a: User) -> str:
    return create_token(centre_a, "social file", actor=consultant_a)[1]


def post(
    client: Client,
    body: str | bytes,
    *,
    secret: str | None,
    content_type: str = "application/json",
    language: str = "en",
) -> Any:
    headers = {"Accept-Language": language}
    if secret:
        headers["Authorization"] = f"Bearer {secret}"
    return client.post(EVENTS_PATH, body, content_type=content_type, headers=headers)


def post_events(client: Client, events: list[dict[str, Any]], secret: str) -> Any:
    return post(client, json.dumps(events), secret=secret)


def test_missing_token_is_401(client: Client, centre_a: Organisation) -> None:
    response = post(client, json.dumps([event(1)]), secret=None)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not AccessEntry.objects.exists()


def test_invalid_token_is_401(client: Client, secret: str) -> None:
    response = post(client, json.dumps([event(1)]), secret=secret + "x")
    assert response.status_code == 401
    assert "invalid or revoked" in response.json()["message"]


def test_basic_scheme_is_401(client: Client, secret: str) -> None:
    response = client.post(
        EVENTS_PATH,
        json.dumps([event(1)]),
        content_type="application/json",
        headers={"Authorization": "Basic dXNlcjpwYXNz", "Accept-Language": "en"},
    )
    assert response.status_code == 401
    message = response.json()["message"]
    assert "uses the scheme 'Basic'" in message
    assert "accepts only the Bearer scheme with an API token" in message
    assert "invalid or revoked" not in message
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_unnamed_scheme_not_echoed(client: Client, secret: str) -> None:
    response = client.post(
        EVENTS_PATH,
        json.dumps([event(1)]),
        content_type="application/json",
        headers={"Authorization": "<script> x", "Accept-Language": "en"},
    )
    assert response.status_code == 401
    assert "uses the scheme 'unknown'" in response.json()["message"]


def test_revoked_token_is_401(
    client: Client, centre_a: Organisation, consultant_a: User
) -> None:
    token, secret = create_token(centre_a, "old", actor=consultant_a)
    revoke_token(token, actor=consultant_a)
    response = post_events(client, [event(1)], secret)
    assert response.status_code == 401
    assert not AccessEntry.objects.exists()


def test_get_is_405(client: Client, secret: str) -> None:
    response = client.get(EVENTS_PATH, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json()["error"] == "method_not_allowed"


def test_csrf_not_required(secret: str) -> None:
    client = Client(enforce_csrf_checks=True)
    response = post_events(client, [event(1)], secret)
    assert response.status_code == 200


def test_unsupported_content_type_is_415(client: Client, secret: str) -> None:
    response = post(client, "event_id,time\n", secret=secret, content_type="text/csv")
    assert response.status_code == 415
    assert "application/json" in response.json()["message"]


def test_invalid_json_is_400_with_line(client: Client, secret: str) -> None:
    response = post(client, '[{"event_id": "e-1",', secret=secret)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_json"
    assert body["errors"][0]["line"] == 1
    assert not AccessEntry.objects.exists()


def test_invalid_json_line_is_400_with_line(client: Client, secret: str) -> None:
    text = json.dumps(event(1)) + "\n{not json}\n" + json.dumps(event(3)) + "\n"
    response = post(client, text, secret=secret, content_type=NDJSON)
    assert response.status_code == 400
    assert [error["line"] for error in response.json()["errors"]] == [2]
    assert not AccessEntry.objects.exists()


def test_invalid_json_line_listed_with_field_errors(
    client: Client, secret: str
) -> None:
    # As for a file, the lines that are event objects are checked too, so
    # that one response gives every error.
    lines = [
        json.dumps(event(1)),
        json.dumps(event(2, action="peek")),
        "{not json}",
        json.dumps({**event(4), "subject": "8507300339"}),
    ]
    response = post(
        client, "\n".join(lines), secret=secret, content_type=NDJSON, language="en"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_json"
    assert [(error["line"], error["field"]) for error in body["errors"]] == [
        (2, "action"),
        (3, ""),
        (4, "subject"),
    ]
    assert body["error_count"] == 3
    assert "The sending program may have dropped" in body["errors"][2]["reason"]
    assert not AccessEntry.objects.exists()


@pytest.mark.parametrize(
    ("language", "reason"),
    [
        ("en", "invalid JSON at line 2, column 1: a value is expected"),
        ("nl", "ongeldige JSON op regel 2, kolom 1: er wordt een waarde verwacht"),
        (
            "fr",
            "JSON non valide à la ligne 2, colonne 1\u00a0: une valeur est attendue",
        ),
    ],
)
def test_invalid_json_reason_in_language(
    client: Client, secret: str, language: str, reason: str
) -> None:
    response = client.post(
        EVENTS_PATH,
        '[{"event_id":\n',
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}", "Accept-Language": language},
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"line": 1, "field": "", "value": "", "reason": reason}
    ]


def test_deeply_nested_json_is_400(client: Client, secret: str) -> None:
    response = client.post(
        EVENTS_PATH,
        "[" * 100_000,
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}", "Accept-Language": "en"},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_json"
    assert "nested too deeply" in body["errors"][0]["reason"]
    assert not AccessEntry.objects.exists()


def test_invalid_utf8_is_400(client: Client, secret: str) -> None:
    response = post(client, b'[{"event_id": "\xff"}]', secret=secret)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_encoding"


def test_utf16_body_message_names_fix(client: Client, secret: str) -> None:
    body = json.dumps([event(1)]).encode("utf-16")
    response = post(client, body, secret=secret)
    assert response.status_code == 400
    assert response.json()["message"] == (
        "The body is not valid UTF-8 at byte 0 (0xff), so nothing was stored. "
        "Encode the body in UTF-8 and send it again."
    )


def test_empty_body_is_400(client: Client, secret: str) -> None:
    response = post(client, "  ", secret=secret)
    assert response.status_code == 400
    assert response.json()["error"] == "empty_body"


def test_chunked_body_not_received_is_411(client: Client, secret: str) -> None:
    # Django's development server passes a chunked body on as no bytes.
    # The test client leaves the content type out of a request without a body.
    response = client.generic(
        "POST",
        EVENTS_PATH,
        b"",
        headers={"Authorization": f"Bearer {secret}", "Transfer-Encoding": "chunked"},
        CONTENT_TYPE="application/json",
    )
    assert response.status_code == 411, response.json()
    assert response.json()["error"] == "length_required"
    assert "Content-Length" in response.json()["message"]
    assert not AccessEntry.objects.exists()


def test_body_over_limit_is_413(
    client: Client, secret: str, settings: LazySettings
) -> None:
    settings.VIGIL_ACCESSLOG_API_MAX_BYTES = 200
    body = json.dumps([event(1), event(2), event(3)])
    response = post(client, body, secret=secret)
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"
    assert response.json()["message"] == (
        f"The body is {len(body):,} bytes, larger than the limit of 200 bytes. "
        "Split the batch into smaller batches of at most 200 bytes and send them "
        "one by one."
    )
    assert not AccessEntry.objects.exists()


def test_body_over_default_limit_in_mib(client: Client, secret: str) -> None:
    response = post(client, "x" * (7 * 1024**2), secret=secret)
    assert response.status_code == 413
    assert response.json()["message"] == (
        "The body is 7,340,032 bytes (7 MiB), larger than the limit of "
        "5,242,880 bytes (5 MiB). Split the batch into smaller batches of at "
        "most 5 MiB and send them one by one."
    )


def test_too_large_message_rounds_apart() -> None:
    with translation.override("en"):
        message = too_large_message(5 * 1024**2, 5 * 1024**2 + 1)
        smaller = too_large_message(1_000_000, 2_000_000)
    assert message.startswith(
        "The body is 5,242,881 bytes (5.01 MiB), larger than the limit of "
        "5,242,880 bytes (5 MiB)."
    )
    assert "(0.95 MiB)" in smaller


def test_too_large_message_without_length() -> None:
    with translation.override("en"):
        message = too_large_message(5 * 1024**2, None)
    assert message == (
        "The body is larger than the limit of 5,242,880 bytes (5 MiB). Split "
        "the batch into smaller batches of at most 5 MiB and send them one by one."
    )


def test_invalid_events_are_422_with_every_line(client: Client, secret: str) -> None:
    bad_subject = "85073003399"
    events = [
        event(1),
        event(2, action="read"),
        event(3, subject=bad_subject),
        {k: v for k, v in event(4).items() if k != "user_id"},
    ]
    response = post_events(client, events, secret)
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "batch_rejected"
    lines = {error["line"] for error in body["errors"]}
    assert lines == {2, 3, 4}
    fields = {(error["line"], error["field"]) for error in body["errors"]}
    assert {(2, "action"), (3, "subject"), (4, "user_id")} <= fields
    assert all(
        set(error) == {"line", "field", "value", "reason"} for error in body["errors"]
    )
    values = {error["field"]: error["value"] for error in body["errors"]}
    assert values["action"] == "read"
    assert values["subject"] == bad_subject[:2] + "*" * 7 + bad_subject[-2:]
    assert bad_subject not in response.content.decode()
    assert not AccessEntry.objects.exists()


def test_rejected_batch_never_echoes_valid_subject(client: Client, secret: str) -> None:
    events = [event(1, time="yesterday")]
    response = post_events(client, events, secret)
    assert response.status_code == 422
    assert events[0]["subject"] not in response.content.decode()


def test_accepted_batch_returns_indices(
    client: Client, secret: str, centre_a: Organisation
) -> None:
    response = post_events(client, [event(1), event(2)], secret)
    assert response.status_code == 200
    body = response.json()
    assert body["accepted"] == [
        {"line": 1, "event_id": "e-1", "index": 0},
        {"line": 2, "event_id": "e-2", "index": 1},
    ]
    assert body["duplicates"] == []
    assert body["tree_size"] == 2
    checkpoint = LogCheckpoint.objects.get(organisation=centre_a, size=2)
    assert body["checkpoint"] == checkpoint.note
    stored = AccessEntry.objects.get(organisation=centre_a, index=1)
    assert stored.event_id == "e-2"
    assert len(bytes(stored.subject_pseudonym)) == 32
    assert event(2)["subject"].encode() not in bytes(stored.subject_pseudonym)


def test_resent_events_are_duplicates(client: Client, secret: str) -> None:
    post_events(client, [event(1), event(2)], secret)
    response = post_events(client, [event(2), event(3)], secret)
    assert response.status_code == 200
    body = response.json()
    assert body["accepted"] == [{"line": 2, "event_id": "e-3", "index": 2}]
    assert body["duplicates"] == [{"line": 1, "event_id": "e-2", "index": 1}]
    assert body["tree_size"] == 3


def test_json_lines_accepted(client: Client, secret: str) -> None:
    text = "".join(json.dumps(event(n)) + "\n" for n in (1, 2, 3))
    response = post(client, text, secret=secret, content_type=NDJSON)
    assert response.status_code == 200
    assert [item["line"] for item in response.json()["accepted"]] == [1, 2, 3]


def test_optional_fields_stored(
    client: Client, secret: str, centre_a: Organisation
) -> None:
    extra = {"case_ref": "D-7", "source_ip": "10.1.2.3", "outcome": "refused"}
    response = post_events(client, [event(1, **extra)], secret)
    assert response.status_code == 200
    stored = AccessEntry.objects.get(organisation=centre_a, event_id="e-1")
    assert (stored.case_ref, stored.source_ip, stored.outcome) == (
        "D-7",
        "10.1.2.3",
        "refused",
    )


def test_token_ingests_into_its_organisation(
    client: Client, secret: str, centre_a: Organisation, centre_b: Organisation
) -> None:
    post_events(client, [event(1)], secret)
    assert AccessEntry.objects.filter(organisation=centre_a).count() == 1
    assert not AccessEntry.objects.filter(organisation=centre_b).exists()


def test_openapi_examples_accepted(client: Client, secret: str) -> None:
    operation = build_document()["paths"][EVENTS_PATH]["post"]
    content = operation["requestBody"]["content"]
    array = post(
        client, json.dumps(content["application/json"]["example"]), secret=secret
    )
    assert array.status_code == 200, array.content
    assert len(array.json()["accepted"]) == 1
    lines = post(client, content[NDJSON]["example"], secret=secret, content_type=NDJSON)
    assert lines.status_code == 200, lines.content
    assert len(lines.json()["accepted"]) == 2


def test_database_failure_is_503(
    client: Client, secret: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("database is locked")

    monkeypatch.setattr("vigil.accesslog.api.ingest_events", fail)
    response = post_events(client, [event(1)], secret)
    assert response.status_code == 503
    assert response.json()["error"] == "unavailable"
    assert response["Retry-After"] == "30"


def test_empty_array_accepts_nothing(client: Client, secret: str) -> None:
    response = post(client, "[]", secret=secret)
    assert response.status_code == 200
    assert response.json()["accepted"] == []
    assert response.json()["tree_size"] == 0


def test_other_scope_token_is_403(
    client: Client, centre_a: Organisation, consultant_a: User
) -> None:
    token, other = create_token(
        centre_a, "cmdb", actor=consultant_a, scope=ApiToken.Scope.REGISTERS
    )
    response = post_events(client, [event(1)], other)
    assert response.status_code == 403
    body = response.json()
    assert body["error"] == "insufficient_scope"
    assert f"token {token.prefix} has the scope 'registers'" in body["message"]
    assert "needs the scope 'ingest'" in body["message"]
    assert not AccessEntry.objects.exists()


def test_latin1_charset_says_send_utf8(client: Client, secret: str) -> None:
    response = post(
        client,
        json.dumps([event(1)]),
        secret=secret,
        content_type="application/json; charset=latin-1",
    )
    assert response.status_code == 415
    message = response.json()["message"]
    assert "charset 'latin-1' is not supported" in message
    assert "Encode the body in UTF-8" in message


def test_object_body_says_array_expected(client: Client, secret: str) -> None:
    response = post(client, json.dumps(event(1)), secret=secret, language="en")
    assert response.status_code == 400
    body = response.json()
    assert "not valid JSON" not in body["message"]
    assert body["message"].startswith(
        "The body is not a JSON array of event objects, so nothing was stored."
    )
    assert "a JSON array of event objects is expected" in body["errors"][0]["reason"]


def test_json_lines_body_message(client: Client, secret: str) -> None:
    response = post(client, "[]\n", secret=secret, content_type=NDJSON)
    assert response.status_code == 400
    assert response.json()["message"].startswith(
        "The body is not one JSON event object per line"
    )


def test_json_lines_without_line_breaks_hint(client: Client, secret: str) -> None:
    # What curl --data @FILE sends for a file of two events.
    text = json.dumps(event(1)) + json.dumps(event(2))
    response = post(client, text, secret=secret, content_type=NDJSON)

    assert response.status_code == 400
    assert response.json()["message"].endswith(
        " The body has no line breaks, so it has one line. If you send a file "
        "with curl, use --data-binary @FILE: --data removes the line breaks."
    )


def test_json_lines_with_line_breaks_no_hint(client: Client, secret: str) -> None:
    text = json.dumps(event(1)) + "\n{\n"
    response = post(client, text, secret=secret, content_type=NDJSON)

    assert response.status_code == 400
    assert "--data-binary" not in response.json()["message"]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('{"event_id": "e-1", ', id="one event cut off"),
        pytest.param("{" * 10 + "}" * 10, id="one line without a value"),
        pytest.param('{"event_id": ' + "[" * 100_000 + "]" * 100_000 + "}", id="deep"),
    ],
)
def test_single_broken_line_no_hint(client: Client, secret: str, text: str) -> None:
    response = post(client, text, secret=secret, content_type=NDJSON)

    assert response.status_code == 400
    assert "--data-binary" not in response.json()["message"]


def test_json_lines_after_bom_hint(client: Client, secret: str) -> None:
    text = "\ufeff" + json.dumps(event(1)) + " " + json.dumps(event(2))
    response = post(client, text, secret=secret, content_type=NDJSON)

    assert response.status_code == 400
    assert "use --data-binary @FILE" in response.json()["message"]


def test_reused_event_id_is_422(client: Client, secret: str) -> None:
    post_events(client, [event(1), event(2)], secret)
    body = json.dumps([event(3), event(2, action="delete")])
    response = post(client, body, secret=secret, language="en")
    assert response.status_code == 422
    result = response.json()
    assert result["error"] == "batch_rejected"
    [error] = result["errors"]
    assert (error["line"], error["field"], error["value"]) == (2, "event_id", "e-2")
    assert "stored at index 1 with different content" in error["reason"]
    assert AccessEntry.objects.count() == 2


def test_reused_id_reported_with_invalid_record(client: Client, secret: str) -> None:
    post_events(client, [event(1)], secret)
    body = json.dumps([event(1, user_id="U7"), event(2, action="bogus")])
    response = post(client, body, secret=secret, language="en")
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [(error["line"], error["field"]) for error in errors] == [
        (1, "event_id"),
        (2, "action"),
    ]
    assert "stored at index 0 with different content" in errors[0]["reason"]
    assert AccessEntry.objects.count() == 1


def test_non_object_element_is_record_error(client: Client, secret: str) -> None:
    body = json.dumps(["85073003328", event(2, action="read"), event(3)])
    response = post(client, body, secret=secret, language="en")
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [(error["line"], error["field"]) for error in errors] == [
        (1, ""),
        (2, "action"),
    ]
    assert errors[0]["value"] == ""
    assert "not an object of field names and values" in errors[0]["reason"]
    assert "85073003328" not in response.content.decode()
    assert not AccessEntry.objects.exists()


def test_array_repeat_names_record(client: Client, secret: str) -> None:
    body = json.dumps([event(1), event(1, outcome="x")])
    response = post(client, body, secret=secret, language="en")
    assert response.status_code == 422
    reason = response.json()["errors"][0]["reason"]
    assert "occur at record 1 of this batch" in reason


@pytest.mark.parametrize("content_type", ["application/json", NDJSON])
def test_leading_bom_accepted(client: Client, secret: str, content_type: str) -> None:
    """RFC 8259 lets a JSON parser skip a byte order mark, as the files do."""
    body = json.dumps([event(1)]) if content_type != NDJSON else json.dumps(event(1))
    response = post(
        client,
        b"\xef\xbb\xbf" + body.encode("utf-8"),
        secret=secret,
        content_type=content_type,
    )
    assert response.status_code == 200, response.content
    assert response.json()["tree_size"] == 1


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "must have 11 digits but has 10. The sending program may have "),
        ("nl", "moet 11 cijfers tellen, maar telt er 10. Het verzendende programma "),
        ("fr", "doit compter 11 chiffres, mais en compte 10. Le programme expéditeur "),
    ],
)
def test_ten_digit_subject_blames_program(
    client: Client, secret: str, language: str, expected: str
) -> None:
    body = json.dumps([event(1, subject="8507300160")])
    response = post(client, body, secret=secret, language=language)
    assert response.status_code == 422
    reason = response.json()["errors"][0]["reason"]
    assert reason.startswith(expected)
    assert "spreadsheet" not in reason
    assert "rekenblad" not in reason
    assert "tableur" not in reason
