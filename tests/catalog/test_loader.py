"""Loading catalogs and mappings into the database, and carrying answers over."""

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from vigil.accounts.models import User
from vigil.assessments.models import Assessment
from vigil.assessments.services import AnswerInput, create_assessment, save_answer
from vigil.audit.models import AuditEntry
from vigil.catalog.loader import (
    CatalogError,
    load_catalog_data,
    load_catalog_file,
    load_mapping_file,
    shipped_catalog_paths,
)
from vigil.catalog.models import CatalogVersion, Norm
from vigil.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def shipped_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(shipped_catalog_paths()[0].read_text("utf-8"))
    return data


def later_catalog() -> dict[str, Any]:
    """A small later version with ISO-style ids, valid under the schema."""
    data = shipped_data()
    data["version"] = "test-2017"
    data["issued"] = "2017-03-07"
    template = data["chapters"][3]["norms"][0]
    chapters = []
    for chapter_id, norm_ids in (
        ("5", ["5.15", "5.17"]),
        ("8", ["8.7", "8.13", "8.15"]),
    ):
        norms = []
        for norm_id in norm_ids:
            norm = copy.deepcopy(template)
            norm["id"] = norm_id
            norms.append(norm)
        chapter = copy.deepcopy(data["chapters"][0])
        chapter.update(id=chapter_id, norms=norms)
        chapters.append(chapter)
    data["chapters"] = chapters
    return data


def write_json(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


def test_shipped_catalog_loads_all_norms(catalog: CatalogVersion) -> None:
    codes = list(catalog.norms.order_by("position").values_list("code", flat=True))
    assert len(codes) == 28
    assert codes[0] == "4.1"
    assert codes[-1] == "4.10"
    assert catalog.answer_options.count() == 4


def test_loading_twice_changes_nothing(catalog: CatalogVersion) -> None:
    entries = AuditEntry.objects.count()
    result = load_catalog_file(shipped_catalog_paths()[0])
    assert result.outcome == "unchanged"
    assert AuditEntry.objects.count() == entries
    assert Norm.objects.filter(catalog=catalog).count() == 28


def test_changed_text_updates_a_draft_only_version(catalog: CatalogVersion) -> None:
    data = shipped_data()
    data["chapters"][0]["norms"][0]["title"]["en"] = "Security policy, revised"
    result = load_catalog_data(data)
    assert result.outcome == "updated"
    assert Norm.objects.get(catalog=catalog, code="4.1").title["en"].endswith("revised")


def test_version_used_by_a_submission_is_frozen(
    catalog: CatalogVersion, centre_a: Organisation, consultant_a: User
) -> None:
    from vigil.assessments.services import submit_assessment

    assessment = create_assessment(centre_a, 2025, actor=consultant_a, catalog=catalog)
    implemented = catalog.answer_options.get(code="implemented")
    for answer in assessment.answers.all():
        save_answer(answer, AnswerInput(option=implemented), actor=consultant_a)
    submit_assessment(assessment, actor=consultant_a)
    data = shipped_data()
    data["chapters"][0]["norms"][0]["title"]["en"] = "Changed after submission"
    with pytest.raises(CatalogError, match="used by a submitted questionnaire"):
        load_catalog_data(data)
    assert Norm.objects.get(catalog=catalog, code="4.1").title["en"] != (
        "Changed after submission"
    )


def test_answered_norm_cannot_be_removed(
    catalog: CatalogVersion, centre_a: Organisation, consultant_a: User
) -> None:
    assessment = create_assessment(centre_a, 2026, actor=consultant_a, catalog=catalog)
    answer = assessment.answers.get(norm__code="4.10")
    option = catalog.answer_options.get(code="implemented")
    save_answer(answer, AnswerInput(option=option), actor=consultant_a)
    data = shipped_data()
    data["chapters"][-1]["norms"] = []
    with pytest.raises(CatalogError):
        load_catalog_data(data)


def test_invalid_file_reports_problems(tmp_path: Path, db: Any) -> None:
    data = shipped_data()
    data["chapters"][0]["norms"][0]["registers"] = ["unknown-register"]
    path = write_json(tmp_path / "broken.json", data)
    with pytest.raises(CatalogError) as caught:
        load_catalog_file(path)
    assert caught.value.problems
    assert CatalogVersion.objects.count() == 0


def test_cli_validate_exits_non_zero(tmp_path: Path, db: Any) -> None:
    data = shipped_data()
    del data["chapters"][0]["norms"][0]["title"]["fr"]
    path = write_json(tmp_path / "broken.json", data)
    with pytest.raises(CommandError, match="1 problem"):
        call_command("catalog", "validate", str(path))


def test_cli_show_json_lists_norms(catalog: CatalogVersion, capsys: Any) -> None:
    call_command("catalog", "show", "ksz-mn-2005", "--format", "json")
    shown = json.loads(capsys.readouterr().out)
    assert len(shown["norms"]) == 28
    assert shown["norms"][0]["title"]["fr"]
    assert [o["code"] for o in shown["answer_scale"]] == [
        "implemented",
        "partial",
        "not_implemented",
        "not_applicable",
    ]


def test_cli_show_unknown_version(db: Any) -> None:
    with pytest.raises(CommandError, match="not loaded"):
        call_command("catalog", "show", "nope")


def test_mapping_carries_answers_to_a_later_version(
    tmp_path: Path, catalog: CatalogVersion, centre_a: Organisation, consultant_a: User
) -> None:
    load_catalog_data(later_catalog())
    mapping = json.loads(
        (Path(__file__).parent / "data" / "mapping-example.json").read_text("utf-8")
    )
    mapping["target"] = "test-2017"
    load_mapping_file(write_json(tmp_path / "mapping.json", mapping))
    old = create_assessment(centre_a, 2016, actor=consultant_a, catalog=catalog)
    options = {o.code: o for o in catalog.answer_options.all()}
    answers = {a.norm.code: a for a in old.answers.select_related("norm")}
    save_answer(
        answers["4.4.2"], AnswerInput(option=options["implemented"]), actor=None
    )
    save_answer(
        answers["4.4.1"],
        AnswerInput(option=options["partial"], planned_date=_date()),
        actor=None,
    )
    save_answer(
        answers["4.9.1"], AnswerInput(option=options["implemented"]), actor=None
    )
    save_answer(
        answers["4.9.2"],
        AnswerInput(option=options["not_implemented"], planned_date=_date()),
        actor=None,
    )
    later = CatalogVersion.objects.get(code="test-2017")
    new = create_assessment(
        centre_a, 2017, actor=consultant_a, catalog=later, copy_from=old
    )
    carried = {a.norm.code: a.option and a.option.code for a in new.answers.all()}
    assert carried["8.13"] == "implemented"
    assert carried["5.15"] == "partial"
    assert carried["5.17"] == "partial"
    assert carried["8.7"] == "not_implemented"


def test_copy_without_mapping_is_rejected(
    catalog: CatalogVersion, centre_a: Organisation, consultant_a: User
) -> None:
    from django.core.exceptions import ValidationError

    load_catalog_data(later_catalog())
    old = create_assessment(centre_a, 2016, actor=consultant_a, catalog=catalog)
    later = CatalogVersion.objects.get(code="test-2017")
    with pytest.raises(ValidationError, match="no mapping"):
        create_assessment(
            centre_a, 2017, actor=consultant_a, catalog=later, copy_from=old
        )
    assert not Assessment.objects.filter(year=2017).exists()


def test_mapping_with_unknown_norm_is_rejected(
    tmp_path: Path, catalog: CatalogVersion
) -> None:
    load_catalog_data(later_catalog())
    mapping = json.loads(
        (Path(__file__).parent / "data" / "mapping-example.json").read_text("utf-8")
    )
    mapping["target"] = "test-2017"
    mapping["relations"][0]["target"] = ["9.99"]
    with pytest.raises(CatalogError, match="do not exist"):
        load_mapping_file(write_json(tmp_path / "mapping.json", mapping))


def _date() -> Any:
    import datetime

    return datetime.date(2017, 12, 31)


def with_plain_spaces(data: dict[str, Any]) -> dict[str, Any]:
    """Return ``data`` with every no-break space made ordinary, as files once had."""
    text = json.dumps(data, ensure_ascii=False).replace("\u00a0", " ")
    plain: dict[str, Any] = json.loads(text)
    return plain


def submit_one(catalog: CatalogVersion, centre: Organisation, actor: User) -> None:
    from vigil.assessments.services import submit_assessment

    assessment = create_assessment(centre, 2025, actor=actor, catalog=catalog)
    implemented = catalog.answer_options.get(code="implemented")
    for answer in assessment.answers.all():
        save_answer(answer, AnswerInput(option=implemented), actor=actor)
    submit_assessment(assessment, actor=actor)


def test_spacing_fix_updates_draft_version(db: Any) -> None:
    load_catalog_data(with_plain_spaces(shipped_data()))

    result = load_catalog_file(shipped_catalog_paths()[0])

    assert result.outcome == "updated"
    chapter = CatalogVersion.objects.get(code="ksz-mn-2005").chapters.get(code="4.2")
    assert chapter.title["fr"].startswith(
        "Organisation de la sécurité de l'information\u00a0: le conseiller"
    )


def test_spacing_fix_keeps_frozen_version(
    db: Any, centre_a: Organisation, consultant_a: User
) -> None:
    load_catalog_data(with_plain_spaces(shipped_data()))
    catalog = CatalogVersion.objects.get(code="ksz-mn-2005")
    submit_one(catalog, centre_a, consultant_a)
    digest = catalog.digest

    result = load_catalog_file(shipped_catalog_paths()[0])
    call_command("setup", verbosity=0)

    catalog.refresh_from_db()
    assert result.outcome == "unchanged"
    assert catalog.digest == digest
    assert " : le conseiller" in catalog.chapters.get(code="4.2").title["fr"]


def test_frozen_version_rejects_other_change_with_spacing(
    db: Any, centre_a: Organisation, consultant_a: User
) -> None:
    load_catalog_data(with_plain_spaces(shipped_data()))
    submit_one(CatalogVersion.objects.get(code="ksz-mn-2005"), centre_a, consultant_a)
    data = shipped_data()
    data["chapters"][0]["norms"][0]["guidance"]["fr"] += " Autre texte."

    with pytest.raises(CatalogError, match="used by a submitted questionnaire"):
        load_catalog_data(data)
