"""The register endpoints in the OpenAPI 3.1 document, built from the specs.

Each register gets a schema from its model fields (types, lengths, choices,
required fields) and the paths of its collection and its records, so the
document always matches what the forms accept.
"""

from typing import Any

from django.db import models

from vigil.accesslog.openapi import accept_language_parameter
from vigil.registers.api import MAX_BODY_BYTES
from vigil.registers.spec import REGISTERS, RegisterSpec

PREFIX = "/api/v1/centres/{org}/registers"
_REF = "#/components/schemas/"
_ORG = {
    "name": "org",
    "in": "path",
    "required": True,
    "description": "The centre's short name (slug), as in the web addresses.",
    "schema": {"type": "string"},
}
_PK = {"name": "pk", "in": "path", "required": True, "schema": {"type": "integer"}}
_ERROR = {"$ref": "#/components/responses/RegisterError"}
_UNAUTHORIZED = {"$ref": "#/components/responses/RegisterUnauthorized"}
_FORBIDDEN = {"$ref": "#/components/responses/RegisterForbidden"}
_TOO_LARGE = {"$ref": "#/components/responses/RegisterTooLarge"}
_UNSUPPORTED_TYPE = {"$ref": "#/components/responses/RegisterUnsupportedMediaType"}
_METHODS = ("get", "post", "patch", "delete")
_LANGUAGE = accept_language_parameter(
    "Language of the error's message and field messages, and of the register "
    "titles that list_registers returns: nl, fr or en, as Accept-Language "
    "chooses among them. A django_language cookie, which the language switch "
    "of the web interface sets, takes precedence. Without either, or for "
    "another language, the server's default language (VIGIL_LANGUAGE, nl "
    "unless set). The codes and field names of an error stay the same in "
    "every language."
)
# The header of every error response, whose texts follow Accept-Language.
_CONTENT_LANGUAGE = {
    "Content-Language": {
        "description": "Language of the message and the field messages: nl, fr "
        "or en, as the request's Accept-Language chooses among them, else the "
        "server's default language (VIGIL_LANGUAGE).",
        "schema": {"type": "string", "enum": ["nl", "fr", "en"]},
    }
}


def schema_name(spec: RegisterSpec) -> str:
    return "Register_" + spec.slug.replace("-", "_")


def field_schema(spec: RegisterSpec, name: str) -> dict[str, Any]:
    """Return the JSON Schema of one field as the API reads and writes it."""
    field = spec.model_field(name)
    schema: dict[str, Any] = _base_schema(spec, field)
    if field.verbose_name:
        schema["title"] = str(field.verbose_name)
    if field.help_text:
        schema["description"] = str(field.help_text)
    if field.choices and not isinstance(field, models.ForeignKey):
        # Integer choices travel as JSON numbers, so the enum keeps them numbers.
        schema["enum"] = [
            code if isinstance(code, int) else str(code)
            for code, _label in field.flatchoices
        ]
    if field.null or (field.blank and not isinstance(field, models.CharField)):
        schema = {"anyOf": [schema, {"type": "null"}]}
    return schema


def _base_schema(spec: RegisterSpec, field: "models.Field[Any, Any]") -> dict[str, Any]:
    if isinstance(field, models.ManyToManyField):
        lookup = spec.lookup_of(field.name)
        return {
            "type": "array",
            "items": {"type": "string"},
            "description": f"the related records' {lookup}",
        }
    if isinstance(field, models.ForeignKey):
        return {
            "type": "string",
            "description": f"the related record's {spec.lookup_of(field.name)}",
        }
    if isinstance(field, models.BooleanField):
        return {"type": "boolean"}
    if isinstance(field, models.DateTimeField):
        return {"type": "string", "format": "date-time"}
    if isinstance(field, models.DateField):
        return {"type": "string", "format": "date"}
    if isinstance(field, (models.IntegerField, models.AutoField)):
        return {"type": "integer"}
    if isinstance(field, models.DecimalField):
        return {"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}
    schema: dict[str, Any] = {"type": "string"}
    if getattr(field, "max_length", None):
        schema["maxLength"] = field.max_length
    return schema


def record_schema(spec: RegisterSpec) -> dict[str, Any]:
    properties = {name: field_schema(spec, name) for name in spec.fields}
    required = [
        name
        for name in spec.fields
        if not spec.model_field(name).blank and not spec.model_field(name).has_default()
    ]
    return {
        "type": "object",
        "title": str(spec.title),
        "description": str(spec.description),
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def _operations(spec: RegisterSpec) -> dict[str, Any]:
    ref = {"$ref": _REF + schema_name(spec)}
    tag = [str(spec.title)]
    body = {"required": True, "content": {"application/json": {"schema": ref}}}
    record = {"description": "The record.", "content": {"application/json": {}}}
    return {
        f"{PREFIX}/{spec.slug}/": {
            "parameters": [_ORG],
            "get": {
                "operationId": f"list_{spec.slug}",
                "tags": tag,
                "summary": f"List and search: {spec.title}",
                "parameters": [
                    {"name": "q", "in": "query", "schema": {"type": "string"}},
                    {"name": "page", "in": "query", "schema": {"type": "integer"}},
                ],
                "responses": {
                    "200": {"description": "A page of records."},
                    "404": _ERROR,
                },
            },
            "post": {
                "operationId": f"create_{spec.slug}",
                "tags": tag,
                "summary": f"Add a record: {spec.title}",
                "requestBody": body,
                "responses": {
                    "201": record,
                    "400": _ERROR,
                    "404": _ERROR,
                    "413": _TOO_LARGE,
                    "415": _UNSUPPORTED_TYPE,
                    "422": _ERROR,
                },
            },
        },
        f"{PREFIX}/{spec.slug}/{{pk}}": {
            "parameters": [_ORG, _PK],
            "get": {
                "operationId": f"get_{spec.slug}",
                "tags": tag,
                "responses": {"200": record, "404": _ERROR},
            },
            "patch": {
                "operationId": f"change_{spec.slug}",
                "tags": tag,
                "summary": "Change the fields given; the others keep their value.",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {**record_schema(spec), "required": []}
                        }
                    },
                },
                "responses": {
                    "200": record,
                    "400": _ERROR,
                    "404": _ERROR,
                    "413": _TOO_LARGE,
                    "415": _UNSUPPORTED_TYPE,
                    "422": _ERROR,
                },
            },
            "delete": {
                "operationId": f"delete_{spec.slug}",
                "tags": tag,
                "responses": {"204": {"description": "Deleted."}, "404": _ERROR},
            },
        },
    }


def extend(document: dict[str, Any]) -> dict[str, Any]:
    """Add every register's paths and schemas to an OpenAPI document."""
    paths = document.setdefault("paths", {})
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    responses = components.setdefault("responses", {})
    responses["RegisterError"] = {
        "description": (
            "An error: 'error' is a code, 'message' says what to do, and "
            "'errors' maps each refused field to its messages. The code and "
            "the field names stay the same in every language."
        ),
        "headers": _CONTENT_LANGUAGE,
        "content": {"application/json": {}},
    }
    responses["RegisterUnauthorized"] = {
        "description": (
            "No bearer token is sent and no one is logged in, or the bearer "
            "token is invalid, revoked or of another centre."
        ),
        "headers": _CONTENT_LANGUAGE,
        "content": {"application/json": {}},
    }
    responses["RegisterTooLarge"] = {
        "description": (
            f"The body is larger than {MAX_BODY_BYTES:,} bytes, by its "
            "Content-Length or by the bytes received. The error is 'too_large'."
        ),
        "headers": _CONTENT_LANGUAGE,
        "content": {"application/json": {}},
    }
    responses["RegisterUnsupportedMediaType"] = {
        "description": (
            "The Content-Type is not application/json. The error is "
            "'unsupported_media_type', and the message names the type sent."
        ),
        "headers": _CONTENT_LANGUAGE,
        "content": {"application/json": {}},
    }
    responses["RegisterForbidden"] = {
        "description": (
            "The bearer token is live and of this centre but has another scope "
            "than registers, or the member's role lacks the capability, or a "
            "change made with a session lacks the X-CSRFToken header. A token "
            "of another scope gets the error 'insufficient_scope', and the "
            "message names both scopes."
        ),
        "headers": _CONTENT_LANGUAGE,
        "content": {"application/json": {}},
    }
    paths[f"{PREFIX}/"] = {
        "parameters": [_ORG],
        "get": {
            "operationId": "list_registers",
            "tags": ["Registers"],
            "responses": {
                "200": {"description": "The centre's registers."},
                "404": _ERROR,
            },
        },
    }
    for spec in sorted(REGISTERS.values(), key=lambda spec: spec.slug):
        schemas[schema_name(spec)] = record_schema(spec)
        paths.update(_operations(spec))
    for path, item in paths.items():
        if path.startswith(PREFIX):
            _add_common_parts(item)
    return document


def _add_common_parts(item: dict[str, Any]) -> None:
    """Add what every register operation shares, and the 405 of the path.

    OpenAPI has no place for the response to a method that a path lacks, so
    the path item's description states it.
    """
    methods = [method for method in _METHODS if method in item]
    allowed = ", ".join(method.upper() for method in methods)
    item["description"] = (
        f"A method other than {allowed} or HEAD gets status 405 with the error "
        f"'method_not_allowed' and the header 'Allow: {allowed}'. A failed "
        "check of the caller, the register or the record can give 401, 403 "
        "or 404 first."
    )
    for method in methods:
        operation = item[method]
        operation["security"] = [{"bearerAuth": []}]
        operation["parameters"] = [*operation.get("parameters", []), _LANGUAGE]
        operation["responses"]["401"] = _UNAUTHORIZED
        operation["responses"]["403"] = _FORBIDDEN
