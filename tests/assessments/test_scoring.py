"""Score and progress of an assessment, checked against hand-computed numbers."""

from decimal import Decimal

import pytest
from django.utils import translation

from tests.conftest import option
from vigil.accounts.models import User
from vigil.assessments.models import Answer, Assessment
from vigil.assessments.scoring import Tally, score_answers, score_assessment
from vigil.assessments.services import create_assessment
from vigil.catalog.models import AnswerOption, CatalogVersion, Chapter, Norm
from vigil.organisations.models import Organisation

pytestmark = pytest.mark.usefixtures("fast_password_hasher")

# The shipped scale: weight and whether the answer counts in the score.
SCALE = {
    "implemented": (Decimal(1), True),
    "partial": (Decimal("0.5"), True),
    "not_implemented": (Decimal(0), True),
    "not_applicable": (Decimal(0), False),
}


def unsaved_answers(chapter_code: str, codes: list[str | None]) -> list[Answer]:
    """Build answers in memory, one norm per entry of ``codes`` (None: unanswered)."""
    chapter = Chapter(code=chapter_code, title={"en": f"Chapter {chapter_code}"})
    answers = []
    for number, code in enumerate(codes, start=1):
        norm = Norm(chapter=chapter, code=f"{chapter_code}.{number}", title={})
        answer = Answer(norm=norm)
        if code is not None:
            weight, counts = SCALE[code]
            answer.option = AnswerOption(
                code=code, label={}, weight=weight, counts_in_score=counts
            )
        answers.append(answer)
    return answers


MIXED = [
    "implemented",
    "implemented",
    "partial",
    "not_implemented",
    "not_applicable",
    None,
]


def test_chapter_score_hand_computed() -> None:
    # 1 + 1 + 0.5 + 0 (+ 0 for the unanswered norm) = 2.5 points over the
    # 5 norms that count: not applicable is left out. 2.5 / 5 = 50.0 %.
    score = score_answers(unsaved_answers("4.4", MIXED))
    chapter = score.chapters[0]

    assert chapter.total == 6
    assert chapter.answered == 5
    assert chapter.counted == 5
    assert chapter.points == Decimal("2.5")
    assert chapter.score_percent == Decimal("50.0")
    assert chapter.progress_percent == 83
    assert chapter.missing == ["4.4.6"]


def test_overall_score_spans_chapters() -> None:
    # Chapter 4.4 as above (2.5 of 5) and chapter 4.9 with one implemented and
    # one unanswered norm (1 of 2): 3.5 / 7 = 50.0 %, answered 6 of 8 = 75 %.
    answers = unsaved_answers("4.4", MIXED)
    answers += unsaved_answers("4.9", ["implemented", None])

    score = score_answers(answers)
    overall = score.overall

    assert [chapter.code for chapter in score.chapters] == ["4.4", "4.9"]
    assert score.chapters[1].score_percent == Decimal("50.0")
    assert overall.total == 8
    assert overall.answered == 6
    assert overall.counted == 7
    assert overall.points == Decimal("3.5")
    assert overall.score_percent == Decimal("50.0")
    assert overall.progress_percent == 75
    assert overall.missing == ["4.4.6", "4.9.2"]


def test_score_rounds_to_one_decimal() -> None:
    # 2 of 3 points: 66.666... % is shown as 66.7 %.
    score = score_answers(unsaved_answers("4.3", ["implemented"] * 2 + [None]))

    assert score.chapters[0].score_percent == Decimal("66.7")


def test_all_not_applicable_has_no_score() -> None:
    score = score_answers(unsaved_answers("4.6", ["not_applicable"] * 3))
    chapter = score.chapters[0]

    assert chapter.score_percent is None
    assert chapter.progress_percent == 100


def test_empty_tally_has_zero_progress() -> None:
    tally = Tally(code="", title="")

    assert tally.progress_percent == 0
    assert tally.score_percent is None


@pytest.fixture
def assessment(
    catalog: CatalogVersion, centre_a: Organisation, consultant_a: User
) -> Assessment:
    return create_assessment(centre_a, 2025, actor=consultant_a)


def test_catalog_assessment_score(
    assessment: Assessment, catalog: CatalogVersion
) -> None:
    # Chapter 4.4 has five norms: 4.4.1 and 4.4.2 implemented, 4.4.3 partial,
    # 4.4.4 not implemented, 4.4.5 not applicable. Chapter score: 2.5 / 4 =
    # 62.5 %. The other 23 norms of the catalog are unanswered and count as 0,
    # so overall: 2.5 / 27 = 9.259... %, shown as 9.3 %.
    answers = assessment.answers
    answers.filter(norm__code__in=["4.4.1", "4.4.2"]).update(
        option=option(catalog, "implemented")
    )
    answers.filter(norm__code="4.4.3").update(option=option(catalog, "partial"))
    answers.filter(norm__code="4.4.4").update(option=option(catalog, "not_implemented"))
    answers.filter(norm__code="4.4.5").update(option=option(catalog, "not_applicable"))

    score = score_assessment(assessment)
    chapters = {chapter.code: chapter for chapter in score.chapters}

    assert len(score.chapters) == 10
    assert chapters["4.4"].score_percent == Decimal("62.5")
    assert chapters["4.4"].progress_percent == 100
    assert chapters["4.1"].score_percent == Decimal("0.0")
    assert score.overall.total == 28
    assert score.overall.answered == 5
    assert score.overall.counted == 27
    assert score.overall.score_percent == Decimal("9.3")
    assert score.overall.progress_percent == 18


def test_chapter_titles_follow_language(assessment: Assessment) -> None:
    with translation.override("fr"):
        french = score_assessment(assessment).chapters[0].title
    with translation.override("nl"):
        dutch = score_assessment(assessment).chapters[0].title

    assert french == "Politique de sécurité de l'information"
    assert dutch == "Informatieveiligheidsbeleid"
