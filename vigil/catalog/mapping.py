"""Which norms of a later catalog version take over answers from an earlier one."""

from dataclasses import dataclass

from vigil.catalog.models import CatalogMapping, MappingRelation


@dataclass(frozen=True)
class CarryOver:
    """The earlier norms whose answers a later norm starts from, and how they relate."""

    target: str
    sources: tuple[str, ...]
    relation: str


class MappingMissing(LookupError):
    """No mapping is loaded between the two catalog versions."""


def carry_over_plan(source: str, target: str) -> dict[str, CarryOver]:
    """Return, per target norm id, the source norms it takes answers from.

    Equivalent, partial and split relations give each target norm the
    answer of its one source norm; a merged relation gives the target all of
    its sources; a retired norm carries nothing over.
    """
    mapping = CatalogMapping.objects.filter(source=source, target=target).first()
    if mapping is None:
        raise MappingMissing(
            f"no mapping from {source} to {target} is loaded; "
            "load one with 'vigil catalog load --mapping FILE'"
        )
    plan: dict[str, CarryOver] = {}
    relations = MappingRelation.objects.filter(mapping=mapping).order_by("position")
    for relation in relations:
        if relation.type == MappingRelation.Type.RETIRED:
            continue
        for target_code in relation.target_codes:
            plan[target_code] = CarryOver(
                target_code, tuple(relation.source_codes), relation.type
            )
    return plan
