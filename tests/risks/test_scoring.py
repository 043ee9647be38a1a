"""Scores and levels on the default 4 × 4 matrix and on 3 × 3 and 5 × 5."""

import pytest

from vigil.organisations.models import Organisation
from vigil.plans.risks.models import RiskMatrix, matrix_for
from vigil.plans.risks.scoring import Level, Matrix, default_matrix


@pytest.mark.parametrize(
    ("likelihood", "impact", "score", "level"),
    [
        (1, 1, 1, Level.LOW),
        (1, 3, 3, Level.LOW),
        (2, 2, 4, Level.MEDIUM),
        (2, 3, 6, Level.MEDIUM),
        (2, 4, 8, Level.HIGH),
        (3, 3, 9, Level.HIGH),
        (3, 4, 12, Level.CRITICAL),
        (4, 4, 16, Level.CRITICAL),
    ],
)
def test_default_matrix_levels(
    likelihood: int, impact: int, score: int, level: Level
) -> None:
    matrix = default_matrix()

    assert matrix.size == 4
    assert matrix.score(likelihood, impact) == score
    assert matrix.level_of(likelihood, impact) == level


@pytest.mark.parametrize(
    ("likelihood", "impact", "level"),
    [
        (1, 4, Level.LOW),
        (1, 5, Level.MEDIUM),
        (3, 3, Level.MEDIUM),
        (2, 5, Level.HIGH),
        (3, 4, Level.HIGH),
        (3, 5, Level.CRITICAL),
        (5, 5, Level.CRITICAL),
    ],
)
def test_five_by_five_levels(likelihood: int, impact: int, level: Level) -> None:
    matrix = default_matrix(5)

    assert (matrix.medium_from, matrix.high_from, matrix.critical_from) == (5, 10, 15)
    assert matrix.level_of(likelihood, impact) == level


def test_custom_thresholds() -> None:
    matrix = Matrix(size=5, medium_from=3, high_from=12, critical_from=20)

    assert matrix.level(2) == Level.LOW
    assert matrix.level(3) == Level.MEDIUM
    assert matrix.level(11) == Level.MEDIUM
    assert matrix.level(12) == Level.HIGH
    assert matrix.level(20) == Level.CRITICAL


def test_matrix_contains_only_its_ratings() -> None:
    matrix = default_matrix(3)

    assert [matrix.contains(value) for value in (0, 1, 3, 4)] == [
        False,
        True,
        True,
        False,
    ]
    assert list(matrix.values) == [1, 2, 3]


def test_centre_without_matrix_gets_default(centre_a: Organisation) -> None:
    assert matrix_for(centre_a) == Matrix(4, 4, 8, 12)


def test_centre_matrix_is_used(centre_a: Organisation) -> None:
    RiskMatrix.objects.create(
        organisation=centre_a, size=5, medium_from=6, high_from=12, critical_from=18
    )

    assert matrix_for(centre_a) == Matrix(5, 6, 12, 18)
    assert matrix_for(centre_a.pk).size == 5
