"""Progress and score of an assessment, per chapter and overall.

The rule, also shown in the UI: each answer counts for its weight on the
catalog's scale (implemented 1, partially implemented 0.5, not implemented 0
in the shipped catalog). Answers whose option does not count in the score
(not applicable) are left out of the score; an unanswered norm counts as 0.
Score = sum of the weights / number of norms that count, as a percentage.
Progress = answered norms / all norms.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from vigil.assessments.models import Answer, Assessment
from vigil.catalog.models import CatalogVersion


@dataclass
class Tally:
    code: str
    title: str
    total: int = 0
    answered: int = 0
    counted: int = 0
    points: Decimal = Decimal(0)
    missing: list[str] = field(default_factory=list)

    @property
    def progress_percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0

    @property
    def score_percent(self) -> Decimal | None:
        if not self.counted:
            return None
        return (100 * self.points / self.counted).quantize(Decimal("0.1"))

    def add(self, answer: Answer) -> None:
        self.total += 1
        option = answer.option
        if option is None:
            self.counted += 1
            self.missing.append(answer.norm.code)
            return
        self.answered += 1
        if option.counts_in_score:
            self.counted += 1
            self.points += option.weight


@dataclass
class Score:
    overall: Tally
    chapters: list[Tally]


# The fields of an answer, its norm, chapter and option that score_answers
# reads, for QuerySet.only(). The norm texts it skips are most of each row:
# loading them took half the dashboard's time with ten years of 134 norms.
SCORING_FIELDS = (
    "assessment",
    "option__weight",
    "option__counts_in_score",
    "norm__code",
    "norm__chapter__code",
    "norm__chapter__title",
)


def answers_for_scoring(assessment: Assessment) -> list[Answer]:
    """Load the answers with the fields that scoring reads, in one query."""
    return list(
        assessment.answers.select_related("norm__chapter", "option")
        .only(*SCORING_FIELDS)
        .order_by("norm__position")
    )


def score_answers(answers: list[Answer]) -> Score:
    """Tally answers already loaded with their norm, chapter and option."""
    overall = Tally(code="", title="")
    chapters: dict[str, Tally] = {}
    for answer in answers:
        chapter = answer.norm.chapter
        tally = chapters.get(chapter.code)
        if tally is None:
            tally = chapters[chapter.code] = Tally(chapter.code, chapter.title_text)
        tally.add(answer)
        overall.add(answer)
    return Score(overall=overall, chapters=list(chapters.values()))


def score_assessment(assessment: Assessment) -> Score:
    return score_answers(answers_for_scoring(assessment))


@dataclass(frozen=True)
class ScaleStep:
    label: str
    weight: Decimal


@dataclass(frozen=True)
class ScoreRule:
    """The answer scale of one catalog version as the score rule reads it."""

    catalog_code: str
    counted: list[ScaleStep]
    left_out: list[ScaleStep]


def score_rule(catalog: CatalogVersion) -> ScoreRule:
    """Return the weights of the catalog's answer options, in scale order.

    ``counted`` holds the options that count in the score, ``left_out`` those
    (such as not applicable) whose norms the score leaves out.
    """
    counted, left_out = [], []
    for option in catalog.answer_options.order_by("position"):
        step = ScaleStep(option.label_text, _plain(option.weight))
        if option.counts_in_score:
            counted.append(step)
        else:
            left_out.append(step)
    return ScoreRule(catalog.code, counted, left_out)


def _plain(weight: Decimal) -> Decimal:
    """Drop the trailing zeros of the stored three decimals: 0.500 becomes 0.5."""
    if weight == weight.to_integral_value():
        return weight.quantize(Decimal(1))
    return weight.normalize()
