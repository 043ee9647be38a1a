"""What a new version of a plan changes against the version it was copied from.

A copied action remembers its original in ``source_action``, so an action is
changed when it still has its original, added when it has none in the old
version, and removed when no action of the new version comes from it.
"""

from dataclasses import dataclass, field
from typing import Any

from vigil.plans.security.models import PlanAction, SecurityPlan
from vigil.registers.queries import display

COMPARED = (
    "title",
    "norms",
    "origin",
    "origin_reference",
    "priority",
    "owner",
    "planned_year",
    "due_date",
    "cost_one_off",
    "cost_yearly",
    "effort_days",
    "status",
    "progress_notes",
)


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    old: Any
    new: Any


@dataclass
class ActionChange:
    old: PlanAction
    new: PlanAction
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class PlanDiff:
    old: SecurityPlan
    new: SecurityPlan
    added: list[PlanAction]
    removed: list[PlanAction]
    changed: list[ActionChange]
    plan_fields: list[FieldChange]

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.plan_fields)


def diff_plans(old: SecurityPlan, new: SecurityPlan) -> PlanDiff:
    """Compare the actions and settings of ``new`` with those of ``old``."""
    old_actions = {action.pk: action for action in old.actions.order_by("id")}
    added: list[PlanAction] = []
    changed: list[ActionChange] = []
    kept: set[int] = set()
    for action in new.actions.order_by("planned_year", "priority", "id"):
        original = old_actions.get(action.source_action_id or 0)
        if original is None:
            added.append(action)
            continue
        kept.add(original.pk)
        differences = _field_changes(original, action, COMPARED)
        if differences:
            changed.append(ActionChange(original, action, differences))
    removed = [action for pk, action in old_actions.items() if pk not in kept]
    plan_fields = _field_changes(old, new, ("title", "first_year", "years"))
    return PlanDiff(old, new, added, removed, changed, plan_fields)


def _field_changes(old: Any, new: Any, names: tuple[str, ...]) -> list[FieldChange]:
    found = []
    for name in names:
        if getattr(old, name) == getattr(new, name):
            continue
        label = str(type(new)._meta.get_field(name).verbose_name)
        found.append(FieldChange(name, label, display(old, name), display(new, name)))
    return found
