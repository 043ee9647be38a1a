"""The OpenAPI 3.1 document of the access-log ingestion API.

The document is built from the ``AccessEntry`` model, so the maximum lengths
and the action names it states are the ones the database enforces.
"""

import json
from typing import Any

from vigil.accesslog.error_tally import MAX_LISTED_ERRORS
from vigil.accesslog.events import REQUIRED_FIELDS
from vigil.accesslog.models import AccessEntry, Action

API_VERSION = "1"
EVENTS_PATH = "/api/v1/accesslog/events"
DOCUMENT_PATH = "/api/v1/openapi.json"
NDJSON = "application/x-ndjson"

# A national number (INSZ/NISS) with a valid check number, taken from the
# documentation of python-stdnum's ``stdnum.be.nn`` module.
EXAMPLE_EVENT: dict[str, str] = {
    "event_id": "sociaal-dossier-2026-000123",
    "time": "2026-03-02T10:15:30+01:00",
    "user_id": "U123456",
    "application": "social-file",
    "action": "consult",
    "subject": "85073003328",
    "service": "IdentifyPerson",
    "case_ref": "D-2026-0042",
    "source_ip": "10.1.2.3",
    "outcome": "ok",
}

_REF = "#/components/schemas/"

# The description of the Accept-Language header of the events endpoint.
_LANGUAGE_DESCRIPTION = (
    "Language of the error's message and reasons: nl, fr or en, as "
    "Accept-Language chooses among them. Without the header, or for another "
    "language, the server's default language (VIGIL_LANGUAGE, nl unless set). "
    "The codes, field names and values of an error stay the same in every "
    "language."
)


def _max_length(name: str) -> int:
    field = AccessEntry._meta.get_field(name)
    length = getattr(field, "max_length", None)
    if length is None:
        raise TypeError(f"AccessEntry.{name} has no max_length")
    return int(length)


def _required_text(name: str, description: str) -> dict[str, Any]:
    return {
        "type": "string",
        "minLength": 1,
        "maxLength": _max_length(name),
        "description": description,
    }


def _optional_text(name: str, description: str) -> dict[str, Any]:
    return {
        "type": ["string", "null"],
        "maxLength": _max_length(name),
        "description": description + " An empty string or null means not given.",
    }


def event_schema() -> dict[str, Any]:
    """Return the JSON Schema of one access event with its wire names.

    The rules are those of ``vigil.accesslog.events.parse_event``. Text values
    must also have no control characters and no leading or trailing spaces,
    which the schema does not express.
    """
    properties = {
        "event_id": {
            "type": "string",
            "pattern": "^[!-~]{1,128}$",
            "description": "Identifier of the event from the sender: 1 to 128 "
            "printable ASCII characters without spaces. Event id and time "
            "identify an event: an event sent again with the same id, time and "
            "content is reported as a duplicate and stored once. An event with "
            "the id and time of a stored or earlier event of the batch but "
            "other content rejects the batch with 422.",
        },
        "time": {
            "type": "string",
            "format": "date-time",
            "description": "Time of the access in RFC 3339, with Z or a UTC "
            "offset, in the years 1900 to 9998 in UTC. Stored in UTC with "
            "millisecond precision; at most 24 hours ahead of the server clock.",
        },
        "user_id": _required_text(
            "user_id",
            "USERID of the KSZ/BCSS message, or the program number of an "
            "automated process. The identity register links it to a person.",
        ),
        "application": _required_text(
            "application", "Application that made the access."
        ),
        "action": {
            "type": "string",
            "enum": list(Action.values),
            "description": "Kind of access.",
        },
        "subject": {
            "type": "string",
            "pattern": "^[0-9][0-9 .-]*[0-9]$",
            "description": "National number (INSZ/NISS) or BIS number of the "
            "data subject: 11 digits, dots, dashes and spaces allowed. It is "
            "replaced by a keyed pseudonym on reception and never stored or "
            "returned in clear.",
        },
        "service": _required_text("service", "KSZ/BCSS service or message type."),
        "case_ref": _optional_text("case_ref", "Reference of the social case file."),
        "source_ip": {
            "type": ["string", "null"],
            "anyOf": [
                {"type": "null"},
                {"const": ""},
                {"format": "ipv4"},
                {"format": "ipv6"},
            ],
            "description": "IPv4 or IPv6 address of the workstation or server, "
            "without a zone index.",
        },
        "outcome": _optional_text(
            "outcome", "Result of the access as the application reports it."
        ),
    }
    return {
        "type": "object",
        "required": list(REQUIRED_FIELDS),
        "properties": properties,
        "additionalProperties": False,
        "example": EXAMPLE_EVENT,
    }


def _schemas() -> dict[str, Any]:
    return {
        "Event": event_schema(),
        "EntryReference": {
            "type": "object",
            "required": ["line", "event_id", "index"],
            "properties": {
                "line": {"type": "integer", "minimum": 1},
                "event_id": {"type": "string"},
                "index": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Leaf index of the entry in the Merkle tree.",
                },
            },
        },
        "IngestResult": {
            "type": "object",
            "required": ["accepted", "duplicates", "tree_size", "checkpoint"],
            "properties": {
                "accepted": {
                    "type": "array",
                    "items": {"$ref": _REF + "EntryReference"},
                },
                "duplicates": {
                    "type": "array",
                    "items": {"$ref": _REF + "EntryReference"},
                    "description": "Events stored before or earlier in the "
                    "batch, with the index of the stored entry. An index of an "
                    "accepted event marks a repeat within the batch.",
                },
                "tree_size": {"type": "integer", "minimum": 0},
                "checkpoint": {
                    "type": ["string", "null"],
                    "description": "The latest C2SP signed checkpoint after the "
                    "batch. With a checkpoint interval it may cover fewer than "
                    "tree_size entries; null while the log has no checkpoint.",
                },
            },
        },
        "LineError": {
            "type": "object",
            "required": ["line", "field", "value", "reason"],
            "properties": {
                "line": {
                    "type": "integer",
                    "minimum": 1,
                    "description": "Line of the body (JSON lines) or position "
                    "of the record in the array (JSON), counted from 1. The "
                    "reason of a JSON syntax error gives the line and column "
                    "in the body.",
                },
                "field": {"type": "string"},
                "value": {
                    "type": "string",
                    "description": "The rejected value, shortened to a readable "
                    "length; a national number shows only its first and last "
                    "two digits.",
                },
                "reason": {
                    "type": "string",
                    "description": "Why the value is rejected, in the language "
                    "of the Content-Language header.",
                },
            },
        },
        "Error": {
            "type": "object",
            "required": ["error", "message"],
            "properties": {
                "error": {
                    "type": "string",
                    "description": "Code of the error, the same in every language.",
                },
                "message": {
                    "type": "string",
                    "description": "What failed and what to do, in the language "
                    "of the Content-Language header.",
                },
                "errors": {
                    "type": "array",
                    "maxItems": MAX_LISTED_ERRORS,
                    "items": {"$ref": _REF + "LineError"},
                    "description": f"The first {MAX_LISTED_ERRORS} errors of "
                    "the batch, in the order of its records.",
                },
                "error_count": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "The number of all errors of the batch, "
                    "present with errors. When it exceeds the listed errors, "
                    "the message ends with a sentence that gives both numbers, "
                    f"in English 'The first {MAX_LISTED_ERRORS:,} errors are "
                    "listed in the field errors, and N more errors were not "
                    "listed.'",
                },
            },
        },
    }


def _error_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "headers": {
            "Content-Language": {
                "description": "Language of the message and the reasons: nl, fr or en.",
                "schema": {"type": "string", "enum": ["nl", "fr", "en"]},
            }
        },
        "content": {"application/json": {"schema": {"$ref": _REF + "Error"}}},
    }


def accept_language_parameter(description: str) -> dict[str, Any]:
    """Return the Accept-Language header parameter of an operation."""
    return {
        "name": "Accept-Language",
        "in": "header",
        "required": False,
        "description": description,
        "schema": {"type": "string"},
        "example": "fr",
    }


def _events_operation() -> dict[str, Any]:
    ndjson_example = "".join(
        json.dumps({**EXAMPLE_EVENT, "event_id": event_id}) + "\n"
        for event_id in ("sociaal-dossier-2026-000124", "sociaal-dossier-2026-000125")
    )
    return {
        "operationId": "ingestAccessEvents",
        "summary": "Append access events to the organisation's access log",
        "description": (
            "The batch is stored whole or not at all. The response comes "
            "after the entries and the new signed checkpoint are committed. "
            "A UTF-8 byte order mark at the start of the body is skipped."
        ),
        "security": [{"bearerAuth": []}],
        "parameters": [accept_language_parameter(_LANGUAGE_DESCRIPTION)],
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "array",
                        "description": "The events of the batch. An empty "
                        "array stores nothing and returns the current tree size.",
                        "items": {"$ref": _REF + "Event"},
                    },
                    "example": [EXAMPLE_EVENT],
                },
                NDJSON: {
                    "schema": {
                        "type": "string",
                        "description": "One Event object as JSON per line. A "
                        "line ends with LF, CR LF or CR.",
                    },
                    "example": ndjson_example,
                },
            },
        },
        "responses": {
            "200": {
                "description": "Every event is stored or was stored before.",
                "content": {
                    "application/json": {"schema": {"$ref": _REF + "IngestResult"}}
                },
            },
            "400": _error_response(
                "The body is empty, not UTF-8, or not a JSON array "
                "(application/json) or one event object per line "
                f"({NDJSON}). For invalid JSON, errors lists the first "
                f"{MAX_LISTED_ERRORS} problems and error_count counts all. For "
                "JSON lines, they include the errors of the events of the "
                "valid lines."
            ),
            "401": _error_response(
                "The bearer token is missing, invalid or revoked, or the "
                "Authorization header uses another scheme than Bearer."
            ),
            "403": _error_response(
                "The bearer token is valid but has another scope than ingest; "
                "the message names both."
            ),
            "411": _error_response(
                "The body was sent in chunks and the server received none of "
                "it. Send it with a Content-Length header."
            ),
            "413": _error_response(
                "The body exceeds the size limit. The message gives the limit "
                "and the size received."
            ),
            "415": _error_response(
                "The content type is not supported, or the charset is not UTF-8."
            ),
            "422": _error_response(
                "At least one event is invalid (an element of the array that is "
                "not an object too), or has the event id and time of a stored "
                "event, or of an earlier event of the batch, with other content. "
                f"Nothing was stored. errors lists the first {MAX_LISTED_ERRORS} "
                "problems in record order, and error_count counts all."
            ),
            "503": _error_response(
                "The database failed, so nothing was stored. Send the batch "
                "again after the number of seconds in the Retry-After header."
            ),
        },
    }


def build_document() -> dict[str, Any]:
    """Return the OpenAPI 3.1 document as a JSON-serialisable dict."""
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {
            "title": "Vigil access-log ingestion API",
            "version": API_VERSION,
            "description": (
                "Programs of a social-welfare centre send the accesses to social "
                "personal data (KSZ/BCSS minimum security norm 4.4.3) to Vigil, "
                "which appends them to a tamper-evident Merkle log."
            ),
            "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
        },
        "paths": {
            EVENTS_PATH: {"post": _events_operation()},
            DOCUMENT_PATH: {
                "get": {
                    "operationId": "getOpenApiDocument",
                    "summary": "This document",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "The OpenAPI document.",
                            "content": {"application/json": {}},
                        }
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": (
                        "An API token of the organisation: of the scope "
                        "'ingest' for the access log, of the scope "
                        "'registers' for the registers."
                    ),
                }
            },
            "schemas": _schemas(),
        },
    }
