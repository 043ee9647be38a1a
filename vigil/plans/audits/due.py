"""The audit schedule for the list of what falls due."""

from vigil.plans.audits.schedule import due_items

__all__ = ["due_items"]
