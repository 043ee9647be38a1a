"""Validation of catalog and mapping files, with the line of every problem.

A file goes through three passes: JSON syntax, the JSON Schema shipped in
``vigil/catalog/data``, then the rules a schema cannot express. Those rules
are unique ids, norm ids under their chapter id, texts in every listed
language, the retired flag and the number of ids per mapping relation. Every
pass reports all the problems it finds, not only the first.

This module imports nothing from Django, so command-line tools and an
offline checker can use it alone.
"""

import bisect
import datetime
import functools
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

CATALOG_SCHEMA = "catalog.schema.json"
MAPPING_SCHEMA = "mapping.schema.json"

_WHITESPACE = " \t\n\r"
_SCALAR_END = ",]}" + _WHITESPACE
_DATE_PATTERN = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_MAX_VALUE_LENGTH = 60
_DECODER = json.JSONDecoder()


@dataclass(frozen=True)
class Problem:
    """One problem in a catalog or mapping file.

    ``path`` is a JSON pointer to the offending value, for example
    ``/chapters/3/norms/2/title/fr``, and ``field`` the last object key in
    it (``registers`` for ``/chapters/0/norms/1/registers/2``). ``line`` is
    None when the problem was found without the file's text.
    """

    file: str
    line: int | None
    path: str
    field: str
    message: str

    def __str__(self) -> str:
        location = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [location, self.path or "/"]
        if self.field:
            parts.append(self.field)
        parts.append(self.message)
        return ": ".join(parts)


class _Finding(NamedTuple):
    pointer: str
    message: str


# Positions of JSON pointers in the source text.


@dataclass
class _Container:
    pointer: str
    is_array: bool
    index: int = 0
    expects_key: bool = True


class _SourceMap:
    """Offsets of every value in a JSON text that ``json.loads`` accepted.

    An object member is located at its key, an array item and the root at
    the value itself. ``duplicate_keys`` lists the pointer and offset of
    each key that repeats an earlier key of the same object.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.offsets: dict[str, int] = {}
        self.duplicate_keys: list[tuple[str, int]] = []
        newlines = (match.end() for match in re.finditer("\n", text))
        self.line_starts = [0, *newlines]
        self._scan()

    def line_of_offset(self, offset: int) -> int:
        return bisect.bisect_right(self.line_starts, offset)

    def line_of(self, pointer: str) -> int | None:
        """Return the line of ``pointer``, or of its nearest existing parent."""
        while pointer not in self.offsets:
            if not pointer:
                return None
            pointer = pointer.rpartition("/")[0]

        return self.line_of_offset(self.offsets[pointer])

    def _scan(self) -> None:
        # An explicit stack instead of recursion, so deep nesting that the
        # JSON parser accepted cannot overflow Python's call stack here.
        stack: list[_Container] = []
        member_pointer = ""
        position = 0
        while position < len(self.text):
            char = self.text[position]
            top = stack[-1] if stack else None
            if char in _WHITESPACE or char == ":":
                position += 1
            elif char == ",":
                self._next_item(top)
                position += 1
            elif char in "]}":
                stack.pop()
                position += 1
            elif top is not None and not top.is_array and top.expects_key:
                member_pointer, position = self._read_key(top, position)
            else:
                pointer = self._value_pointer(top, member_pointer, position)
                position = self._read_value(stack, pointer, position)

    @staticmethod
    def _next_item(top: _Container | None) -> None:
        if top is None:
            return
        if top.is_array:
            top.index += 1
        else:
            top.expects_key = True

    def _read_key(self, top: _Container, position: int) -> tuple[str, int]:
        key, end = _DECODER.raw_decode(self.text, position)
        pointer = f"{top.pointer}/{escape_pointer_token(str(key))}"
        if pointer in self.offsets:
            self.duplicate_keys.append((pointer, position))
        self.offsets[pointer] = position
        top.expects_key = False
        return pointer, end

    def _value_pointer(
        self, top: _Container | None, member_pointer: str, position: int
    ) -> str:
        if top is None:
            self.offsets.setdefault("", position)
            return ""
        if top.is_array:
            pointer = f"{top.pointer}/{top.index}"
            self.offsets[pointer] = position
            return pointer
        return member_pointer

    def _read_value(self, stack: list[_Container], pointer: str, position: int) -> int:
        char = self.text[position]
        if char in "[{":
            stack.append(_Container(pointer, is_array=char == "["))
            return position + 1
        if char == '"':
            _, end = _DECODER.raw_decode(self.text, position)
            return end
        end = position
        while end < len(self.text) and self.text[end] not in _SCALAR_END:
            end += 1
        return end


def escape_pointer_token(token: str) -> str:
    """Escape one JSON pointer token as RFC 6901 requires."""
    return token.replace("~", "~0").replace("/", "~1")


def _pointer(parts: Sequence[str | int]) -> str:
    return "".join(f"/{escape_pointer_token(str(part))}" for part in parts)


def field_of(pointer: str) -> str:
    """Return the last object key of ``pointer``, skipping array indexes."""
    for token in reversed(pointer.split("/")[1:]):
        if not token.isdigit():
            return token.replace("~1", "/").replace("~0", "~")
    return ""


def _format_value(value: Any) -> str:
    rendered = json.dumps(value, ensure_ascii=False)
    if len(rendered) > _MAX_VALUE_LENGTH:
        rendered = rendered[: _MAX_VALUE_LENGTH - 3] + "..."
    return rendered


# Parsing and the JSON Schema pass.


def load_schema(schema_name: str) -> dict[str, Any]:
    """Read the JSON Schema ``schema_name`` shipped in ``vigil/catalog/data``."""
    schema_file = resources.files("vigil.catalog").joinpath("data", schema_name)
    schema: dict[str, Any] = json.loads(schema_file.read_text(encoding="utf-8"))
    return schema


@functools.cache
def _validator(schema_name: str) -> Draft202012Validator:
    return Draft202012Validator(load_schema(schema_name))


def _parse(text: str, file: str) -> tuple[Any, list[Problem]]:
    try:
        return json.loads(text), []
    except json.JSONDecodeError as error:
        message = (
            f"invalid JSON: {error.msg} at line {error.lineno}, column "
            f"{error.colno}; fix the syntax there"
        )
        return None, [Problem(file, error.lineno, "", "", message)]
    except RecursionError:
        message = "invalid JSON: the values are nested too deeply to read; flatten them"
        return None, [Problem(file, None, "", "", message)]


def _schema_findings(data: Any, schema_name: str) -> list[_Finding]:
    findings: list[_Finding] = []
    for error in _validator(schema_name).iter_errors(data):
        findings.extend(_describe(error, schema_name))
    return list(dict.fromkeys(findings))


def _describe(error: ValidationError, schema_name: str) -> list[_Finding]:
    pointer = _pointer(error.absolute_path)
    keyword = error.validator
    if keyword == "required":
        return _missing_keys(pointer, error)
    if keyword == "additionalProperties":
        return _unknown_keys(pointer, error)
    return [_Finding(pointer, _schema_message(pointer, error, schema_name))]


def _missing_keys(pointer: str, error: ValidationError) -> list[_Finding]:
    # jsonschema reports each missing key as its own error but without the
    # key as data, so every missing key of the object is listed here and the
    # caller drops the repeats.
    instance: dict[str, Any] = error.instance  # type: ignore[assignment]
    required: list[str] = error.validator_value  # type: ignore[assignment]
    return [
        _Finding(
            f"{pointer}/{escape_pointer_token(key)}",
            f'required key "{key}" is missing; add it',
        )
        for key in required
        if key not in instance
    ]


def _unknown_keys(pointer: str, error: ValidationError) -> list[_Finding]:
    instance: dict[str, Any] = error.instance  # type: ignore[assignment]
    schema: dict[str, Any] = error.schema  # type: ignore[assignment]
    allowed = list(schema.get("properties", {}))
    return [
        _Finding(
            f"{pointer}/{escape_pointer_token(key)}",
            f'unknown key "{key}"; remove it or use one of: ' + ", ".join(allowed),
        )
        for key in instance
        if key not in allowed
    ]


def _schema_message(pointer: str, error: ValidationError, schema_name: str) -> str:
    name = field_of(pointer) or "the file"
    value = _format_value(error.instance)
    expected: Any = error.validator_value
    schema: dict[str, Any] = error.schema  # type: ignore[assignment]
    match error.validator:
        case "enum":
            allowed = ", ".join(str(item) for item in expected)
            return f"{value} is not an allowed value of {name}; use one of: {allowed}"
        case "const":
            return f"{name} is {value}; set it to {_format_value(expected)}"
        case "type":
            types = expected if isinstance(expected, list) else [expected]
            return f"{name} is {value}; it must be of type {' or '.join(types)}"
        case "pattern":
            hint = schema.get("description", f"a value matching {expected}")
            return f"{name} {value} is invalid; expected {_lower_first(hint)}"
        case "minimum" | "maximum":
            return _range_message(name, value, schema)
        case "minItems":
            count = len(error.instance)  # type: ignore[arg-type]
            return (
                f"{name} has {count} item(s) but needs at least {expected}; add "
                "the missing ones"
            )
        case "minLength":
            return f"{name} is empty; write the text"
        case "uniqueItems":
            return f"{name} lists the same value more than once; remove the repeat"
        case "contains":
            return f"{name} lacks {_format_value(expected.get('const'))}; add it"
    return f"{name}: {error.message}; see {schema_name} for the rule"


def _range_message(name: str, value: str, schema: dict[str, Any]) -> str:
    low = schema.get("minimum")
    high = schema.get("maximum")
    return f"{name} {value} is out of range; use a value from {low} to {high}"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:].rstrip(".")


# Rules of the catalog format beyond the schema.


def _items(value: Any, pointer: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield the pointer and value of each object in ``value`` if it is a list."""
    if not isinstance(value, list):
        return
    for index, item in enumerate(value):
        if isinstance(item, dict):
            yield f"{pointer}/{index}", item


def _norms(data: dict[str, Any]) -> Iterator[tuple[str, str | None, dict[str, Any]]]:
    """Yield the pointer, chapter id and value of every norm object."""
    for chapter_pointer, chapter in _items(data.get("chapters"), "/chapters"):
        chapter_id = chapter.get("id")
        chapter_id = chapter_id if isinstance(chapter_id, str) else None
        for norm_pointer, norm in _items(
            chapter.get("norms"), f"{chapter_pointer}/norms"
        ):
            yield norm_pointer, chapter_id, norm


def _catalog_findings(data: dict[str, Any]) -> list[_Finding]:
    return [
        *_duplicate_ids("chapter", _items(data.get("chapters"), "/chapters")),
        *_duplicate_ids("norm", ((pointer, norm) for pointer, _, norm in _norms(data))),
        *_norms_outside_chapter(data),
        *_language_findings(data),
        *_answer_scale_findings(data.get("answer_scale")),
        *_retired_findings(data),
        *_issued_findings(data.get("issued")),
    ]


def _duplicate_ids(
    kind: str, objects: Iterator[tuple[str, dict[str, Any]]]
) -> Iterator[_Finding]:
    first_seen: dict[str, str] = {}
    for pointer, item in objects:
        item_id = item.get("id")
        if not isinstance(item_id, str):
            continue
        if item_id in first_seen:
            yield _Finding(
                f"{pointer}/id",
                f'{kind} id "{item_id}" is listed twice (also at '
                f"{first_seen[item_id]}); give each {kind} a unique id",
            )
        else:
            first_seen[item_id] = pointer


def _norms_outside_chapter(data: dict[str, Any]) -> Iterator[_Finding]:
    for pointer, chapter_id, norm in _norms(data):
        norm_id = norm.get("id")
        if chapter_id is None or not isinstance(norm_id, str):
            continue
        if norm_id == chapter_id or norm_id.startswith(chapter_id + "."):
            continue
        yield _Finding(
            f"{pointer}/id",
            f'norm id "{norm_id}" is not under its chapter "{chapter_id}"; move '
            "the norm to its own chapter or give it an id that starts with "
            f'"{chapter_id}."',
        )


def _text_objects(data: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """Yield the pointer and value of every text that has one entry per language."""
    yield "/title", data.get("title")
    yield "/source", data.get("source")
    for pointer, answer in _items(data.get("answer_scale"), "/answer_scale"):
        yield f"{pointer}/label", answer.get("label")
    for pointer, chapter in _items(data.get("chapters"), "/chapters"):
        yield f"{pointer}/title", chapter.get("title")
    for pointer, _, norm in _norms(data):
        for key in ("title", "requirement", "guidance"):
            yield f"{pointer}/{key}", norm.get(key)


def _language_findings(data: dict[str, Any]) -> Iterator[_Finding]:
    languages = data.get("languages")
    if not isinstance(languages, list):
        return
    listed = [language for language in languages if isinstance(language, str)]
    for pointer, texts in _text_objects(data):
        if isinstance(texts, dict):
            yield from _text_findings(pointer, texts, listed)


def _text_findings(
    pointer: str, texts: dict[str, Any], languages: list[str]
) -> Iterator[_Finding]:
    name = field_of(pointer)
    for language in languages:
        text = texts.get(language)
        if language not in texts:
            yield _Finding(
                f"{pointer}/{language}",
                f'{name} has no text in "{language}", which /languages lists; add it',
            )
        elif isinstance(text, str) and not text.strip():
            yield _Finding(
                f"{pointer}/{language}",
                f'{name} in "{language}" is blank; write the text',
            )
    for language in texts:
        if language not in languages:
            yield _Finding(
                f"{pointer}/{language}",
                f'{name} has a text in "{language}", which /languages does not '
                f'list; add "{language}" to /languages or remove this text',
            )


def _answer_scale_findings(scale: Any) -> Iterator[_Finding]:
    answers = list(_items(scale, "/answer_scale"))
    yield from _duplicate_codes(answers)
    if answers and not any(_gives_full_credit(answer) for _, answer in answers):
        yield _Finding(
            "/answer_scale",
            "answer_scale has no answer with weight 1.0 that counts in the score; "
            "give the answer for a fully met norm weight 1.0 and counts_in_score "
            "true",
        )


def _duplicate_codes(answers: list[tuple[str, dict[str, Any]]]) -> Iterator[_Finding]:
    first_seen: dict[str, str] = {}
    for pointer, answer in answers:
        code = answer.get("code")
        if not isinstance(code, str):
            continue
        if code in first_seen:
            yield _Finding(
                f"{pointer}/code",
                f'answer code "{code}" is listed twice (also at '
                f"{first_seen[code]}); give each answer a unique code",
            )
        else:
            first_seen[code] = pointer


def _gives_full_credit(answer: dict[str, Any]) -> bool:
    weight = answer.get("weight")
    is_number = isinstance(weight, int | float) and not isinstance(weight, bool)
    return is_number and weight == 1 and answer.get("counts_in_score") is True


def _retired_findings(data: dict[str, Any]) -> Iterator[_Finding]:
    issued_year = _issued_year(data.get("issued"))
    for pointer, _, norm in _norms(data):
        if "retired_since" not in norm or not isinstance(norm.get("flags"), list):
            continue
        since = norm["retired_since"]
        retired = "retired" in norm["flags"]
        if since is not None and not retired:
            yield _Finding(
                f"{pointer}/retired_since",
                f"retired_since is {_format_value(since)} but flags lacks "
                '"retired"; add "retired" to flags or set retired_since to null',
            )
        elif since is None and retired:
            yield _Finding(
                f"{pointer}/flags",
                'flags contains "retired" but retired_since is null; set '
                "retired_since to the year the norm was dropped",
            )
        elif isinstance(since, int) and issued_year and since < issued_year:
            yield _Finding(
                f"{pointer}/retired_since",
                f"retired_since {since} is before {issued_year}, the year the "
                "catalog was issued; correct the year",
            )


def _issued_year(issued: Any) -> int | None:
    if not isinstance(issued, str) or not _DATE_PATTERN.match(issued):
        return None
    try:
        return datetime.date.fromisoformat(issued).year
    except ValueError:
        return None


def _issued_findings(issued: Any) -> Iterator[_Finding]:
    is_date_shaped = isinstance(issued, str) and _DATE_PATTERN.match(issued)
    if is_date_shaped and _issued_year(issued) is None:
        yield _Finding(
            "/issued",
            f"issued {_format_value(issued)} is not a calendar date; give a real date "
            "as YYYY-MM-DD",
        )


# Rules of the mapping format beyond the schema.


class _IdCount(NamedTuple):
    minimum: int
    maximum: int | None  # None means no upper limit

    def allows(self, count: int) -> bool:
        return count >= self.minimum and (self.maximum is None or count <= self.maximum)


_ONE = _IdCount(1, 1)

# For each relation type: the allowed number of source ids and of target
# ids, and the rule in words for the error message.
_RELATION_RULES: dict[str, tuple[_IdCount, _IdCount, str]] = {
    "equivalent": (_ONE, _ONE, "exactly one source and one target"),
    "partial": (_ONE, _ONE, "exactly one source and one target"),
    "split": (_ONE, _IdCount(2, None), "one source and two or more targets"),
    "merged": (_IdCount(2, None), _ONE, "two or more sources and one target"),
    "retired": (_IdCount(1, None), _IdCount(0, 0), "one or more sources and no target"),
}


def _mapping_findings(data: dict[str, Any]) -> list[_Finding]:
    findings = list(_same_versions(data))
    for pointer, relation in _items(data.get("relations"), "/relations"):
        findings.extend(_relation_findings(pointer, relation))
    return findings


def _same_versions(data: dict[str, Any]) -> Iterator[_Finding]:
    source = data.get("source")
    if isinstance(source, str) and source == data.get("target"):
        yield _Finding(
            "/target",
            f"target {_format_value(source)} is the same as source; a mapping "
            "links two different catalog versions",
        )


def _relation_findings(pointer: str, relation: dict[str, Any]) -> Iterator[_Finding]:
    kind = relation.get("type")
    sources = relation.get("source")
    targets = relation.get("target")
    if kind not in _RELATION_RULES:
        return
    if not isinstance(sources, list) or not isinstance(targets, list):
        return

    source_count, target_count, expected = _RELATION_RULES[str(kind)]
    sources_ok = source_count.allows(len(sources))
    if sources_ok and target_count.allows(len(targets)):
        return
    side = "target" if sources_ok else "source"
    yield _Finding(
        f"{pointer}/{side}",
        f'a "{kind}" relation needs {expected}, but this one has '
        f"{len(sources)} source(s) and {len(targets)} target(s); fix the ids "
        "or the type",
    )


def check_mapping_ids(
    mapping: dict[str, Any],
    source_ids: set[str],
    target_ids: set[str],
    file: str,
    *,
    text: str | None = None,
) -> list[Problem]:
    """Report each id of a mapping that its source or target catalog lacks.

    Give ``text``, the mapping file's content, to get line numbers.
    """
    known = {"source": source_ids, "target": target_ids}
    findings: list[_Finding] = []
    for pointer, relation in _items(mapping.get("relations"), "/relations"):
        for side, ids in known.items():
            findings.extend(_unknown_ids(pointer, relation, side, ids, mapping))
    source_map = _SourceMap(text) if text is not None else None
    return _by_line(_problems(findings, file, source_map))


def _unknown_ids(
    pointer: str,
    relation: dict[str, Any],
    side: str,
    known: set[str],
    mapping: dict[str, Any],
) -> Iterator[_Finding]:
    values = relation.get(side)
    if not isinstance(values, list):
        return
    version = _format_value(mapping.get(side))
    for index, norm_id in enumerate(values):
        if norm_id not in known:
            yield _Finding(
                f"{pointer}/{side}/{index}",
                f"{side} id {_format_value(norm_id)} is not a norm of catalog "
                f"{version}; correct the id or remove it",
            )


# Putting the passes together.


def _problems(
    findings: list[_Finding], file: str, source_map: _SourceMap | None
) -> list[Problem]:
    return [
        Problem(
            file=file,
            line=source_map.line_of(finding.pointer) if source_map else None,
            path=finding.pointer,
            field=field_of(finding.pointer),
            message=finding.message,
        )
        for finding in findings
    ]


def _by_line(problems: list[Problem]) -> list[Problem]:
    """Sort problems by line, with those that have no line at the end.

    The sort is stable, so problems on one line keep the order they were found in.
    """
    return sorted(problems, key=lambda problem: (problem.line is None, problem.line))


def _duplicate_key_problems(source_map: _SourceMap, file: str) -> list[Problem]:
    return [
        Problem(
            file=file,
            line=source_map.line_of_offset(offset),
            path=pointer,
            field=field_of(pointer),
            message=(
                f'key "{field_of(pointer)}" appears twice in one object and JSON '
                "keeps only the last; remove or rename one of them"
            ),
        )
        for pointer, offset in source_map.duplicate_keys
    ]


def _validate_text(
    text: str, file: str, schema_name: str
) -> tuple[dict[str, Any] | None, list[Problem]]:
    data, problems = _parse(text, file)
    if problems:
        return None, problems

    findings = _schema_findings(data, schema_name)
    if isinstance(data, dict):
        findings.extend(_rule_findings(data, schema_name, findings))

    source_map = _SourceMap(text)
    problems = _duplicate_key_problems(source_map, file)
    problems.extend(_problems(findings, file, source_map))
    return (data if isinstance(data, dict) else None), _by_line(problems)


def _rule_findings(
    data: dict[str, Any], schema_name: str, schema_findings: list[_Finding]
) -> list[_Finding]:
    # A value the schema already rejected is reported once, with the
    # schema's message, even when a rule below would also catch it.
    if schema_name == CATALOG_SCHEMA:
        findings = _catalog_findings(data)
    else:
        findings = _mapping_findings(data)
    reported = {finding.pointer for finding in schema_findings}
    return [finding for finding in findings if finding.pointer not in reported]


def _read_text(path: Path) -> tuple[str | None, list[Problem]]:
    content = path.read_bytes()
    try:
        return content.decode("utf-8"), []
    except UnicodeDecodeError as error:
        line = content.count(b"\n", 0, error.start) + 1
        message = f"the file is not valid UTF-8 at byte {error.start}; save it as UTF-8"
        return None, [Problem(str(path), line, "", "", message)]


def validate_catalog_text(
    text: str, file: str
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Validate the catalog in ``text``, naming it ``file`` in the problems.

    Returns the parsed catalog, or None when the text is not a JSON object,
    and every problem found, sorted by line. The catalog is fit to load only
    when the list is empty.
    """
    return _validate_text(text, file, CATALOG_SCHEMA)


def validate_catalog_file(path: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Validate the catalog file at ``path``. Raises OSError if it cannot be read."""
    text, problems = _read_text(path)
    if text is None:
        return None, problems
    return validate_catalog_text(text, str(path))


def validate_mapping_text(
    text: str, file: str
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Validate the mapping in ``text`` against the schema and the relation rules.

    Whether the ids exist in the two catalogs is left to ``check_mapping_ids``.
    """
    return _validate_text(text, file, MAPPING_SCHEMA)


def validate_mapping_file(path: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Validate the mapping file at ``path``. Raises OSError if it cannot be read."""
    text, problems = _read_text(path)
    if text is None:
        return None, problems
    return validate_mapping_text(text, str(path))
