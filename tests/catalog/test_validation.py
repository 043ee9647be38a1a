"""Tests of the catalog and mapping validator and of the shipped catalog.

Broken catalogs are built from the shipped one with one change each and
written out with one key per line, so a test can check that a problem's line
shows the offending key or value. No Django is needed.
"""

import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from vigil.catalog.validation import (
    CATALOG_SCHEMA,
    MAPPING_SCHEMA,
    Problem,
    check_mapping_ids,
    field_of,
    load_schema,
    validate_catalog_file,
    validate_catalog_text,
    validate_mapping_file,
    validate_mapping_text,
)

DATA = Path(__file__).parent / "data"
SHIPPED = resources.files("vigil.catalog").joinpath("data", "ksz-mn-2005.json")

NORM_IDS = [
    "4.1",
    "4.2.1.1",
    "4.2.1.2",
    "4.2.1.3",
    "4.2.1.4",
    "4.2.1.5",
    "4.2.1.6",
    "4.2.1.7",
    "4.2.1.8",
    "4.3.1",
    "4.3.2",
    "4.3.3",
    "4.4.1",
    "4.4.2",
    "4.4.3",
    "4.4.4",
    "4.4.5",
    "4.5.1",
    "4.5.2",
    "4.6.1.1",
    "4.6.1.2",
    "4.6.3",
    "4.7.1",
    "4.7.2",
    "4.8",
    "4.9.1",
    "4.9.2",
    "4.10",
]

Catalog = dict[str, Any]


def shipped_catalog() -> Catalog:
    data: Catalog = json.loads(SHIPPED.read_text(encoding="utf-8"))
    return data


def norms(catalog: Catalog) -> list[dict[str, Any]]:
    return [norm for chapter in catalog["chapters"] for norm in chapter["norms"]]


def norm_by_id(catalog: Catalog, norm_id: str) -> dict[str, Any]:
    return next(norm for norm in norms(catalog) if norm["id"] == norm_id)


def render(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def line_text(text: str, problem: Problem) -> str:
    assert problem.line is not None, f"no line for {problem}"
    return text.splitlines()[problem.line - 1]


def problems_at(problems: list[Problem], path: str) -> list[Problem]:
    return [problem for problem in problems if problem.path == path]


# The shipped catalog.


def test_shipped_catalog_is_valid() -> None:
    data, problems = validate_catalog_file(Path(str(SHIPPED)))

    assert [str(problem) for problem in problems] == []
    assert data is not None
    assert data["version"] == "ksz-mn-2005"


def test_shipped_catalog_norm_ids_in_order() -> None:
    ids = [norm["id"] for norm in norms(shipped_catalog())]

    assert ids == NORM_IDS


def test_shipped_catalog_chapters() -> None:
    chapters = shipped_catalog()["chapters"]

    ids = [chapter["id"] for chapter in chapters]
    assert ids == [
        "4.1",
        "4.2",
        "4.3",
        "4.4",
        "4.5",
        "4.6",
        "4.7",
        "4.8",
        "4.9",
        "4.10",
    ]
    for chapter in chapters:
        for norm in chapter["norms"]:
            assert norm["id"] == chapter["id"] or norm["id"].startswith(
                chapter["id"] + "."
            )


@pytest.mark.parametrize("key", ["title", "requirement", "guidance"])
@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_shipped_norm_texts_present(key: str, language: str) -> None:
    for norm in norms(shipped_catalog()):
        text = norm[key].get(language, "")
        assert text.strip(), f"norm {norm['id']} has no {key} in {language}"


def test_shipped_norm_titles_short() -> None:
    for norm in norms(shipped_catalog()):
        for language, title in norm["title"].items():
            assert len(title) <= 70, f"norm {norm['id']} title in {language}"


def test_shipped_norms_name_registers() -> None:
    for norm in norms(shipped_catalog()):
        assert norm["registers"], f"norm {norm['id']} names no register"


def test_shipped_card_norm_retired_2017() -> None:
    norm = norm_by_id(shipped_catalog(), "4.2.1.6")

    assert norm["flags"] == ["retired"]
    assert norm["retired_since"] == 2017
    assert norm["registers"] == ["cards", "inventory"]


def test_shipped_only_card_norm_retired() -> None:
    retired = [norm["id"] for norm in norms(shipped_catalog()) if norm["retired_since"]]

    assert retired == ["4.2.1.6"]


def test_shipped_secondary_network_flag() -> None:
    flagged = [
        norm["id"]
        for norm in norms(shipped_catalog())
        if "secondary_network" in norm["flags"]
    ]

    assert flagged == ["4.6.3"]


def test_shipped_answer_scale() -> None:
    scale = {answer["code"]: answer for answer in shipped_catalog()["answer_scale"]}

    assert list(scale) == [
        "implemented",
        "partial",
        "not_implemented",
        "not_applicable",
    ]
    assert [answer["weight"] for answer in scale.values()] == [1.0, 0.5, 0.0, 0.0]
    assert scale["not_applicable"]["counts_in_score"] is False
    assert scale["not_applicable"]["requires_justification"] is True
    assert scale["partial"]["requires_planned_date"] is True
    assert scale["not_implemented"]["requires_planned_date"] is True
    assert scale["implemented"]["requires_planned_date"] is False
    assert scale["implemented"]["label"]["fr"] == "Mis en œuvre"


def test_shipped_backup_norm_maps_to_8_13() -> None:
    norm = norm_by_id(shipped_catalog(), "4.4.2")

    assert norm["registers"] == ["backups"]
    assert norm["iso27002_2022"] == ["8.13"]


@pytest.mark.parametrize("schema_name", [CATALOG_SCHEMA, MAPPING_SCHEMA])
def test_schemas_are_valid_draft_2020_12(schema_name: str) -> None:
    schema = load_schema(schema_name)

    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


# Broken catalogs, one change each.


def drop_french_title(catalog: Catalog) -> None:
    del catalog["chapters"][0]["norms"][0]["title"]["fr"]


def add_unknown_register(catalog: Catalog) -> None:
    catalog["chapters"][3]["norms"][1]["registers"] = ["backups", "tapes"]


def repeat_norm_id(catalog: Catalog) -> None:
    catalog["chapters"][3]["norms"][2]["id"] = "4.4.1"


def repeat_chapter_id(catalog: Catalog) -> None:
    catalog["chapters"][8]["id"] = "4.8"
    catalog["chapters"][8]["norms"] = [{**norm_by_id(catalog, "4.8"), "id": "4.8.1"}]


def move_norm_out_of_chapter(catalog: Catalog) -> None:
    catalog["chapters"][3]["norms"][0]["id"] = "4.5.9"


def raise_weight(catalog: Catalog) -> None:
    catalog["answer_scale"][1]["weight"] = 1.5


def add_extra_key(catalog: Catalog) -> None:
    catalog["chapters"][0]["norms"][0]["notes"] = "internal remark"


def retire_without_flag(catalog: Catalog) -> None:
    catalog["chapters"][0]["norms"][0]["retired_since"] = 2012


def flag_without_year(catalog: Catalog) -> None:
    norm_by_id(catalog, "4.2.1.6")["retired_since"] = None


def empty_answer_scale(catalog: Catalog) -> None:
    catalog["answer_scale"] = []


def repeat_answer_code(catalog: Catalog) -> None:
    catalog["answer_scale"][2]["code"] = "partial"


def drop_full_credit(catalog: Catalog) -> None:
    catalog["answer_scale"][0]["counts_in_score"] = False


def blank_english_guidance(catalog: Catalog) -> None:
    norm_by_id(catalog, "4.8")["guidance"]["en"] = "   "


def drop_french_from_languages(catalog: Catalog) -> None:
    catalog["languages"] = ["nl", "en"]


def list_german_without_texts(catalog: Catalog) -> None:
    catalog["languages"] = ["nl", "fr", "de", "en"]


def add_unknown_iso_control(catalog: Catalog) -> None:
    norm_by_id(catalog, "4.10")["iso27002_2022"] = ["5.35", "5.38"]


def give_impossible_date(catalog: Catalog) -> None:
    catalog["issued"] = "2005-02-30"


def give_bad_norm_id(catalog: Catalog) -> None:
    catalog["chapters"][7]["norms"][0]["id"] = "4.8a"


def give_wrong_format(catalog: Catalog) -> None:
    catalog["format"] = "vigil-catalog/2"


def drop_norms_key(catalog: Catalog) -> None:
    del catalog["chapters"][9]["norms"]


# Each case: the change, the expected path, field and a text on that line.
BROKEN_CATALOGS: list[tuple[Callable[[Catalog], None], str, str, str]] = [
    (drop_french_title, "/chapters/0/norms/0/title/fr", "fr", '"title"'),
    (add_unknown_register, "/chapters/3/norms/1/registers/1", "registers", '"tapes"'),
    (repeat_norm_id, "/chapters/3/norms/2/id", "id", '"4.4.1"'),
    (repeat_chapter_id, "/chapters/8/id", "id", '"4.8"'),
    (move_norm_out_of_chapter, "/chapters/3/norms/0/id", "id", '"4.5.9"'),
    (raise_weight, "/answer_scale/1/weight", "weight", "1.5"),
    (add_extra_key, "/chapters/0/norms/0/notes", "notes", '"notes"'),
    (retire_without_flag, "/chapters/0/norms/0/retired_since", "retired_since", "2012"),
    (flag_without_year, "/chapters/1/norms/5/flags", "flags", '"flags"'),
    (empty_answer_scale, "/answer_scale", "answer_scale", '"answer_scale"'),
    (repeat_answer_code, "/answer_scale/2/code", "code", '"partial"'),
    (drop_full_credit, "/answer_scale", "answer_scale", '"answer_scale"'),
    (blank_english_guidance, "/chapters/7/norms/0/guidance/en", "en", '"   "'),
    (drop_french_from_languages, "/languages", "languages", '"languages"'),
    (list_german_without_texts, "/title/de", "de", '"title"'),
    (
        add_unknown_iso_control,
        "/chapters/9/norms/0/iso27002_2022/1",
        "iso27002_2022",
        '"5.38"',
    ),
    (give_impossible_date, "/issued", "issued", '"2005-02-30"'),
    (give_bad_norm_id, "/chapters/7/norms/0/id", "id", '"4.8a"'),
    (give_wrong_format, "/format", "format", '"vigil-catalog/2"'),
]


@pytest.mark.parametrize(
    ("change", "path", "field", "needle"),
    BROKEN_CATALOGS,
    ids=[case[0].__name__ for case in BROKEN_CATALOGS],
)
def test_broken_catalog_reported(
    change: Callable[[Catalog], None], path: str, field: str, needle: str
) -> None:
    catalog = shipped_catalog()
    change(catalog)
    text = render(catalog)

    data, problems = validate_catalog_text(text, "broken.json")

    assert data is not None
    matching = problems_at(problems, path)
    assert len(matching) == 1, [str(problem) for problem in problems]
    problem = matching[0]
    assert problem.field == field
    assert problem.file == "broken.json"
    assert needle in line_text(text, problem)
    assert problem.message


def test_missing_key_points_at_object() -> None:
    catalog = shipped_catalog()
    drop_norms_key(catalog)
    text = render(catalog)

    _, problems = validate_catalog_text(text, "broken.json")

    assert [problem.path for problem in problems] == ["/chapters/9/norms"]
    assert problems[0].field == "norms"
    assert line_text(text, problems[0]).strip() == "{"
    next_line = text.splitlines()[(problems[0].line or 0)]
    assert '"id": "4.10"' in next_line


def test_duplicate_norm_message_names_first() -> None:
    catalog = shipped_catalog()
    repeat_norm_id(catalog)

    _, problems = validate_catalog_text(render(catalog), "broken.json")

    assert [problem.message for problem in problems] == [
        'norm id "4.4.1" is listed twice (also at /chapters/3/norms/0); give each '
        "norm a unique id"
    ]


def test_weight_message_names_range() -> None:
    catalog = shipped_catalog()
    raise_weight(catalog)

    _, problems = validate_catalog_text(render(catalog), "broken.json")

    message = problems_at(problems, "/answer_scale/1/weight")[0].message
    assert "1.5" in message
    assert "from 0 to 1" in message


def test_missing_french_reported_once() -> None:
    catalog = shipped_catalog()
    drop_french_title(catalog)

    _, problems = validate_catalog_text(render(catalog), "broken.json")

    assert len(problems) == 1
    assert problems[0].message == 'required key "fr" is missing; add it'


def test_german_listed_needs_every_text() -> None:
    catalog = shipped_catalog()
    list_german_without_texts(catalog)

    _, problems = validate_catalog_text(render(catalog), "broken.json")

    text_objects = 2 + len(catalog["answer_scale"]) + len(catalog["chapters"])
    text_objects += 3 * len(NORM_IDS)
    assert len(problems) == text_objects
    assert all(problem.field == "de" for problem in problems)


def test_german_texts_everywhere_accepted() -> None:
    catalog = shipped_catalog()
    list_german_without_texts(catalog)
    add_german(catalog)

    _, problems = validate_catalog_text(render(catalog), "de.json")

    assert [str(problem) for problem in problems] == []


def add_german(value: Any) -> None:
    if isinstance(value, dict):
        if {"nl", "fr", "en"} <= value.keys():
            value["de"] = "Text"
        for item in value.values():
            add_german(item)
    elif isinstance(value, list):
        for item in value:
            add_german(item)


def test_text_in_unlisted_language() -> None:
    catalog = shipped_catalog()
    catalog["title"]["de"] = "Mindestsicherheitsnormen"
    text = render(catalog)

    _, problems = validate_catalog_text(text, "broken.json")

    assert [problem.path for problem in problems] == ["/title/de"]
    assert '"de"' in line_text(text, problems[0])


def test_several_problems_all_reported() -> None:
    catalog = shipped_catalog()
    for change in (
        drop_french_title,
        add_unknown_register,
        repeat_norm_id,
        raise_weight,
        add_extra_key,
        retire_without_flag,
    ):
        change(catalog)
    text = render(catalog)

    _, problems = validate_catalog_text(text, "broken.json")

    paths = {problem.path for problem in problems}
    assert paths >= {
        "/chapters/0/norms/0/title/fr",
        "/chapters/3/norms/1/registers/1",
        "/chapters/3/norms/2/id",
        "/answer_scale/1/weight",
        "/chapters/0/norms/0/notes",
        "/chapters/0/norms/0/retired_since",
    }
    lines = [problem.line or 0 for problem in problems]
    assert lines == sorted(lines)


def test_two_schema_errors_in_one_object() -> None:
    catalog = shipped_catalog()
    answer = catalog["answer_scale"][0]
    answer["weight"] = -1
    answer["counts_in_score"] = "yes"

    _, problems = validate_catalog_text(render(catalog), "broken.json")

    paths = [problem.path for problem in problems]
    assert "/answer_scale/0/weight" in paths
    assert "/answer_scale/0/counts_in_score" in paths


# Syntax, encoding and other whole-file problems.


def test_syntax_error_line_reported() -> None:
    path = DATA / "syntax-error.json"

    data, problems = validate_catalog_file(path)

    assert data is None
    assert len(problems) == 1
    problem = problems[0]
    assert problem.line == 4
    assert '"issued"' in line_text(path.read_text(encoding="utf-8"), problem)
    assert "column 3" in problem.message
    assert problem.path == ""


def test_empty_text_is_syntax_error() -> None:
    data, problems = validate_catalog_text("", "empty.json")

    assert data is None
    assert [problem.line for problem in problems] == [1]


def test_top_level_array_rejected() -> None:
    data, problems = validate_catalog_text("[]", "array.json")

    assert data is None
    assert len(problems) == 1
    assert "object" in problems[0].message


def test_not_utf8_reported(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes('{\n  "title": "Sécurité"\n}\n'.encode("latin-1"))

    data, problems = validate_catalog_file(path)

    assert data is None
    assert len(problems) == 1
    assert problems[0].line == 2
    assert "UTF-8" in problems[0].message


def test_duplicate_key_reported() -> None:
    catalog = shipped_catalog()
    text = render(catalog).replace(
        '"issued": "2005-01-12",', '"issued": "2005-01-12",\n  "issued": "2005-01-13",'
    )

    _, problems = validate_catalog_text(text, "twice.json")

    assert len(problems) == 1
    assert problems[0].path == "/issued"
    assert "2005-01-13" in line_text(text, problems[0])


def test_compact_json_lines_found() -> None:
    catalog = shipped_catalog()
    add_unknown_register(catalog)
    text = json.dumps(catalog, ensure_ascii=False)

    _, problems = validate_catalog_text(text, "compact.json")

    assert [problem.line for problem in problems] == [1]


# Problem and helpers.


def test_problem_str_with_line() -> None:
    problem = Problem("a.json", 7, "/chapters/0/id", "id", "bad id")

    assert str(problem) == "a.json:7: /chapters/0/id: id: bad id"


def test_problem_str_without_line() -> None:
    problem = Problem("a.json", None, "/relations/0/source/0", "source", "unknown")

    assert str(problem) == "a.json: /relations/0/source/0: source: unknown"


def test_problem_str_for_whole_file() -> None:
    problem = Problem("a.json", 3, "", "", "invalid JSON")

    assert str(problem) == "a.json:3: /: invalid JSON"


@pytest.mark.parametrize(
    ("pointer", "expected"),
    [
        ("/chapters/3/norms/2/title/fr", "fr"),
        ("/chapters/0/norms/1/registers/2", "registers"),
        ("/a~1b", "a/b"),
        ("", ""),
    ],
)
def test_field_of_pointer(pointer: str, expected: str) -> None:
    assert field_of(pointer) == expected


# Mappings.


def example_mapping() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (DATA / "mapping-example.json").read_text(encoding="utf-8")
    )
    return data


def test_mapping_example_valid() -> None:
    data, problems = validate_mapping_file(DATA / "mapping-example.json")

    assert [str(problem) for problem in problems] == []
    assert data is not None
    assert len(data["relations"]) == 5


# Each case: the relation type, its source ids, its target ids and the
# list that breaks the rule.
BROKEN_RELATIONS: list[tuple[str, list[str], list[str], str]] = [
    ("equivalent", ["4.4.2"], ["8.13", "8.14"], "target"),
    ("equivalent", [], ["8.13"], "source"),
    ("partial", ["4.4.2", "4.4.3"], ["8.13"], "source"),
    ("partial", ["4.4.2"], [], "target"),
    ("split", ["4.4.1"], ["5.15"], "target"),
    ("split", ["4.4.1", "4.6.1.1"], ["5.15", "5.18"], "source"),
    ("merged", ["4.9.1"], ["8.7"], "source"),
    ("merged", ["4.9.1", "4.9.2"], ["8.7", "6.3"], "target"),
    ("retired", ["4.2.1.6"], ["5.9"], "target"),
    ("retired", [], [], "source"),
]


@pytest.mark.parametrize(("kind", "sources", "targets", "side"), BROKEN_RELATIONS)
def test_broken_relation_reported(
    kind: str, sources: list[str], targets: list[str], side: str
) -> None:
    mapping = example_mapping()
    mapping["relations"].append({"source": sources, "target": targets, "type": kind})
    text = render(mapping)

    data, problems = validate_mapping_text(text, "mapping.json")

    assert data is not None
    assert len(problems) == 1, [str(problem) for problem in problems]
    problem = problems[0]
    assert problem.path == f"/relations/5/{side}"
    assert problem.field == side
    assert f'"{side}"' in line_text(text, problem)
    assert f'"{kind}"' in problem.message


def test_mapping_unknown_type() -> None:
    mapping = example_mapping()
    mapping["relations"][0]["type"] = "renamed"
    text = render(mapping)

    _, problems = validate_mapping_text(text, "mapping.json")

    assert [problem.path for problem in problems] == ["/relations/0/type"]
    assert '"renamed"' in line_text(text, problems[0])
    assert "equivalent" in problems[0].message


def test_mapping_extra_key() -> None:
    mapping = example_mapping()
    mapping["relations"][1]["weight"] = 0.5
    text = render(mapping)

    _, problems = validate_mapping_text(text, "mapping.json")

    assert [problem.path for problem in problems] == ["/relations/1/weight"]
    assert '"weight"' in line_text(text, problems[0])


def test_mapping_same_versions() -> None:
    mapping = example_mapping()
    mapping["target"] = mapping["source"]

    _, problems = validate_mapping_text(render(mapping), "mapping.json")

    assert [problem.path for problem in problems] == ["/target"]


def test_mapping_ids_checked() -> None:
    mapping = example_mapping()
    source_ids = set(NORM_IDS) - {"4.9.2"}
    target_ids = {"8.13", "8.15", "5.15", "5.17"}

    problems = check_mapping_ids(mapping, source_ids, target_ids, "mapping.json")

    assert [(problem.path, problem.line) for problem in problems] == [
        ("/relations/3/source/1", None),
        ("/relations/3/target/0", None),
    ]
    assert '"4.9.2"' in problems[0].message
    assert '"ksz-mn-2005"' in problems[0].message


def test_mapping_ids_lines_with_text() -> None:
    text = (DATA / "mapping-example.json").read_text(encoding="utf-8")
    mapping = json.loads(text)

    problems = check_mapping_ids(
        mapping, set(NORM_IDS), {"8.13"}, "mapping.json", text=text
    )

    assert [problem.line for problem in problems] == [7, 8, 8, 9]


def test_mapping_ids_all_known() -> None:
    mapping = example_mapping()
    targets = {
        norm_id for relation in mapping["relations"] for norm_id in relation["target"]
    }

    problems = check_mapping_ids(mapping, set(NORM_IDS), targets, "m")

    assert problems == []
