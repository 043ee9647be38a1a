"""The heat maps of current and residual risk: risks counted per cell of the
likelihood × impact matrix."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from vigil.plans.risks.models import Risk
from vigil.plans.risks.scoring import Level, Matrix


@dataclass(frozen=True)
class Cell:
    likelihood: int
    impact: int
    score: int
    level: Level
    count: int


@dataclass(frozen=True)
class HeatMap:
    """A grid with one row per likelihood, highest first, and one column per impact."""

    residual: bool
    impacts: tuple[int, ...]
    rows: tuple[tuple[int, tuple[Cell, ...]], ...]

    @property
    def total(self) -> int:
        return sum(cell.count for _likelihood, cells in self.rows for cell in cells)


def heat_map(matrix: Matrix, risks: Iterable[Risk], *, residual: bool) -> HeatMap:
    """Count the risks per cell, on their current or their residual rating.

    A rating outside the matrix (left from a larger matrix) is not counted.
    """
    counts: Counter[tuple[int, int]] = Counter()
    for risk in risks:
        if residual:
            counts[(risk.residual_likelihood, risk.residual_impact)] += 1
        else:
            counts[(risk.likelihood, risk.impact)] += 1
    impacts = tuple(matrix.values)
    rows = tuple(
        (
            likelihood,
            tuple(
                Cell(
                    likelihood,
                    impact,
                    matrix.score(likelihood, impact),
                    matrix.level_of(likelihood, impact),
                    counts[(likelihood, impact)],
                )
                for impact in impacts
            ),
        )
        for likelihood in reversed(matrix.values)
    )
    return HeatMap(residual, impacts, rows)
