"""Other parts of Vigil that show their records as evidence on a norm's page.

The questionnaire does not know the registers or the plans; they connect a
provider here from their app's ``ready``. On a norm's page, each provider
returns the panels it has for that norm, given the catalog's register keys.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from vigil.organisations.models import Organisation


@dataclass(frozen=True)
class EvidencePanel:
    """What one register says about a norm: its state and where to see it."""

    key: str
    title: str
    url: str
    count: int
    lines: Sequence[str] = ()
    warnings: Sequence[str] = ()
    attach_url: str = ""
    extra: dict[str, str] = field(default_factory=dict)


type Provider = Callable[[Organisation, Sequence[str], int, str], list[EvidencePanel]]

PROVIDERS: list[Provider] = []


def connect(provider: Provider) -> None:
    """Add a provider once; called from an app's ``ready``."""
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)


def panels_for(
    organisation: Organisation, keys: Sequence[str], year: int, code: str
) -> list[EvidencePanel]:
    """Return every provider's panels for a norm with these register keys."""
    return [
        panel
        for provider in PROVIDERS
        for panel in provider(organisation, keys, year, code)
    ]
