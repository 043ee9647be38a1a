"""What deleting a register record would change, for the confirmation page.

The page lists the records that keep the record from being deleted, the
records that the database deletes with it, its attachments and the
register's own notes (``RegisterSpec.delete_notes``). A person sees all of
that before confirming. :func:`vigil.registers.services.delete_record`
does the deletion.
"""

from collections import Counter
from dataclasses import dataclass

from django.db import models, router
from django.db.models.deletion import Collector
from django.utils.text import capfirst

from vigil.registers.models import RegisterRecord
from vigil.registers.services import attachments_of
from vigil.registers.spec import RegisterSpec

# The confirmation page names at most this many records that block deletion.
MAX_BLOCKERS_SHOWN = 10


@dataclass(frozen=True)
class DeletionPreview:
    """The effects of deleting one record, as the confirmation page shows them.

    ``blockers`` names the records whose protected reference keeps the record
    from being deleted, ``blocker_count`` counts them all, ``cascaded`` gives
    the verbose plural name and count of each kind of record deleted with it.
    """

    blockers: tuple[str, ...]
    blocker_count: int
    cascaded: tuple[tuple[str, int], ...]
    attachments: int
    notes: tuple[str, ...]

    @property
    def blocked(self) -> bool:
        return self.blocker_count > 0


def preview_deletion(spec: RegisterSpec, record: RegisterRecord) -> DeletionPreview:
    """Return what deleting ``record`` would change, without changing anything."""
    collector = Collector(using=router.db_for_write(type(record), instance=record))
    blocking: set[models.Model] = set()
    try:
        collector.collect([record])
    except models.ProtectedError as error:
        blocking = set(error.protected_objects)
    except models.RestrictedError as error:
        blocking = set(error.restricted_objects)
    notes = spec.delete_notes(record) if spec.delete_notes is not None else []
    return DeletionPreview(
        blockers=tuple(sorted(str(found) for found in blocking)[:MAX_BLOCKERS_SHOWN]),
        blocker_count=len(blocking),
        cascaded=() if blocking else _cascaded(collector, record),
        attachments=attachments_of(record).count(),
        notes=tuple(notes),
    )


def _cascaded(
    collector: Collector, record: RegisterRecord
) -> tuple[tuple[str, int], ...]:
    """Count the records that the database deletes with ``record``, by model.

    The link rows of many-to-many fields go with a record too, but they are
    no records of their own, so they are left out.
    """
    counts: Counter[type[models.Model]] = Counter()
    for model, instances in collector.data.items():
        counts[model] += sum(1 for found in instances if not _is_record(found, record))
    for query in collector.fast_deletes:
        counts[query.model] += query.count()
    return tuple(
        (str(capfirst(model._meta.verbose_name_plural)), count)
        for model, count in sorted(counts.items(), key=lambda item: item[0]._meta.label)
        if count and not model._meta.auto_created
    )


def _is_record(found: models.Model, record: RegisterRecord) -> bool:
    same_model = found._meta.concrete_model is record._meta.concrete_model
    return same_model and found.pk == record.pk
