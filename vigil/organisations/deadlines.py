"""What falls due for a centre, gathered from every app.

An app that has deadlines defines a module ``due`` with a function
``due_items(organisation, today)`` returning :class:`DueItem` values, or
``(date, text, url)`` tuples. :func:`collect` calls every such function of
the installed Vigil apps, so the dashboard, the weekly digest and the
calendar feed show one list without knowing the apps.
"""

import datetime
import hashlib
import importlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import apps

from vigil.organisations.models import Organisation

logger = logging.getLogger(__name__)

type Provider = Callable[[Organisation, datetime.date], Iterable[Any]]


@dataclass(frozen=True, order=True)
class DueItem:
    """One deadline: when, what, where to act, and which app it comes from."""

    date: datetime.date
    text: str
    url: str = ""
    source: str = ""

    def is_overdue(self, today: datetime.date) -> bool:
        return self.date < today

    def uid(self, organisation: Organisation) -> str:
        """Return an id that stays the same for the same deadline."""
        key = f"{organisation.pk}|{self.source}|{self.date}|{self.text}"
        return hashlib.sha256(key.encode()).hexdigest()[:32]


@cache
def providers() -> tuple[tuple[str, Provider], ...]:
    """Return the ``due_items`` function of every installed app that has one."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("vigil."):
            continue
        module_name = f"{config.name}.due"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
            continue
        found.append((config.label, module.due_items))
    return tuple(found)


def collect(organisation: Organisation, today: datetime.date) -> list[DueItem]:
    """Return every app's deadlines for the centre, earliest first."""
    items: list[DueItem] = []
    for label, provider in providers():
        for item in provider(organisation, today):
            items.append(_as_item(item, label))
    return sorted(items)


def _as_item(item: Any, label: str) -> DueItem:
    if isinstance(item, DueItem):
        return item if item.source else DueItem(item.date, item.text, item.url, label)
    date, text, url = item
    return DueItem(date, str(text), str(url or ""), label)
