"""Every model owned by an organisation declares its path to that organisation."""

from django.apps import apps
from django.db import models

from vigil.organisations.models import Organisation


def project_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if model.__module__.startswith("vigil.") and model is not Organisation
    ]


def foreign_keys(model: type[models.Model]) -> list[models.ForeignKey[object, object]]:
    return [
        field
        for field in model._meta.get_fields()
        if isinstance(field, models.ForeignKey)
    ]


def reaches_organisation(model: type[models.Model], depth: int = 4) -> bool:
    """Return whether a chain of foreign keys leads from ``model`` to Organisation."""
    if depth == 0:
        return False
    for field in foreign_keys(model):
        target = field.related_model
        if target is Organisation:
            return True
        if (
            isinstance(target, type)
            and target is not model
            and reaches_organisation(target, depth - 1)
        ):
            return True
    return False


def resolve(model: type[models.Model], path: str) -> object:
    """Return the model a ``tenant_field`` lookup path ends on."""
    current: object = model
    for name in path.split("__"):
        assert isinstance(current, type) and issubclass(current, models.Model)
        current = current._meta.get_field(name).related_model
    return current


def test_owned_models_declare_tenant_field() -> None:
    undeclared = sorted(
        model._meta.label
        for model in project_models()
        if reaches_organisation(model) and not getattr(model, "tenant_field", None)
    )

    assert undeclared == []


def test_tenant_fields_lead_to_organisation() -> None:
    wrong = sorted(
        f"{model._meta.label}.tenant_field = {model.tenant_field!r}"  # type: ignore[attr-defined]
        for model in project_models()
        if getattr(model, "tenant_field", None)
        and resolve(model, model.tenant_field) is not Organisation  # type: ignore[attr-defined]
    )

    assert wrong == []


def test_tenant_check_sees_owned_models() -> None:
    owned = {
        model._meta.label for model in project_models() if reaches_organisation(model)
    }

    assert {"assessments.Answer", "assessments.Evidence", "audit.AuditEntry"} <= owned
