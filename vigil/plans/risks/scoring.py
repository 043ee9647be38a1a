"""The risk matrix: how likelihood and impact make a score and a level.

The scoring rule is the one most Belgian centres use in their risk analysis:

- likelihood and impact are each rated from 1 to the matrix size (3, 4 or 5);
- the score is likelihood × impact, so 1 to size²;
- the level follows from three thresholds: a score below ``medium_from`` is
  low, from ``medium_from`` it is medium, from ``high_from`` high and from
  ``critical_from`` critical.

A centre that sets no matrix of its own gets a 4 × 4 matrix. The default
thresholds of a matrix of size n are n, 2n and 3n, so 4, 8 and 12 on 4 × 4
(low 1–3, medium 4–6, high 8–9, critical 12–16) and 5, 10 and 15 on 5 × 5.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

MIN_SIZE = 3
MAX_SIZE = 5
DEFAULT_SIZE = 4


class Level(models.TextChoices):
    LOW = "low", _("low")
    MEDIUM = "medium", _("medium")
    HIGH = "high", _("high")
    CRITICAL = "critical", _("critical")


@dataclass(frozen=True)
class Matrix:
    """A likelihood × impact matrix of ``size`` rows and columns with its thresholds."""

    size: int
    medium_from: int
    high_from: int
    critical_from: int

    def score(self, likelihood: int, impact: int) -> int:
        """Return likelihood × impact."""
        return likelihood * impact

    def level(self, score: int) -> Level:
        """Return the level of a score by the matrix's thresholds."""
        if score >= self.critical_from:
            return Level.CRITICAL
        if score >= self.high_from:
            return Level.HIGH
        if score >= self.medium_from:
            return Level.MEDIUM
        return Level.LOW

    def level_of(self, likelihood: int, impact: int) -> Level:
        return self.level(self.score(likelihood, impact))

    @property
    def values(self) -> range:
        """The ratings a likelihood or an impact can take, 1 to size."""
        return range(1, self.size + 1)

    def contains(self, value: int | None) -> bool:
        return value is not None and 1 <= value <= self.size


def default_matrix(size: int = DEFAULT_SIZE) -> Matrix:
    """Return the matrix of ``size`` with the thresholds n, 2n and 3n."""
    return Matrix(size, size, 2 * size, 3 * size)
