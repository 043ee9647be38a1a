"""Link each finding to its entries by log index instead of by row id.

The verification covers each entry's index and content but not its row id,
so someone who swapped two entries' row ids in the database would make a
finding show another entry while the log still verifies. A ``FindingEntry``
row stores the index of a flagged entry in the finding's organisation's log.

The migration creates that table, copies every link of the old many-to-many
table as the linked entry's index and drops the old table. Reversed, it
looks each index up in the finding's organisation's log. Both directions
raise, and change nothing, when a link has no counterpart: an entry of
another organisation forwards, or an index without an entry backwards.
Vigil creates neither, so only a change made directly in the database can.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery

BATCH_SIZE = 1000


def _copy(model, rows, alias):  # type: ignore[no-untyped-def]
    """Create a row of ``model`` from each of ``rows``, a thousand at a time."""
    batch = []
    for values in rows:
        batch.append(model(**values))
        if len(batch) == BATCH_SIZE:
            model.objects.using(alias).bulk_create(batch)
            batch = []
    model.objects.using(alias).bulk_create(batch)


def copy_links_to_indexes(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Store the index of every entry that the old table links to a finding."""
    alias = schema_editor.connection.alias
    links = apps.get_model("accesslog", "Finding").entries.through.objects.using(alias)
    foreign = (
        links.exclude(accessentry__organisation_id=F("finding__organisation_id"))
        .values_list("finding_id", "accessentry_id")
        .first()
    )
    if foreign is not None:
        finding_id, entry_id = foreign
        raise RuntimeError(
            f"finding {finding_id} links entry {entry_id}, which belongs to "
            "another organisation's log. A finding links only entries of its own "
            "organisation: delete that row from accesslog_finding_entries and "
            "migrate again."
        )
    rows = (
        links.order_by("pk")
        .values("finding_id", index=F("accessentry__index"))
        .iterator(chunk_size=BATCH_SIZE)
    )
    _copy(apps.get_model("accesslog", "FindingEntry"), rows, alias)


def copy_indexes_to_links(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Link every finding again to the entries at its stored indexes."""
    alias = schema_editor.connection.alias
    entry_id = Subquery(
        apps.get_model("accesslog", "AccessEntry")
        .objects.using(alias)
        .filter(organisation_id=OuterRef("finding__organisation_id"), index=OuterRef("index"))
        .values("id")[:1]
    )
    indexes = (
        apps.get_model("accesslog", "FindingEntry")
        .objects.using(alias)
        .annotate(accessentry_id=entry_id)
    )
    missing = indexes.filter(accessentry_id__isnull=True).values_list("finding_id", "index").first()
    if missing is not None:
        finding_id, index = missing
        raise RuntimeError(
            f"finding {finding_id} links index {index}, where its organisation's "
            "log has no entry, so the old table cannot link it. Delete that row "
            "from accesslog_findingentry and migrate again."
        )
    rows = (
        indexes.order_by("pk")
        .values("finding_id", "accessentry_id")
        .iterator(chunk_size=BATCH_SIZE)
    )
    _copy(apps.get_model("accesslog", "Finding").entries.through, rows, alias)


class Migration(migrations.Migration):
    dependencies = [("accesslog", "0016_log_keys_triggers")]

    operations = [
        migrations.CreateModel(
            name="FindingEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("index", models.BigIntegerField(verbose_name="index")),
                (
                    "finding",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="entry_links",
                        to="accesslog.finding",
                    ),
                ),
            ],
            options={
                "verbose_name": "entry of a misuse finding",
                "verbose_name_plural": "entries of misuse findings",
                "constraints": [
                    models.UniqueConstraint(fields=("finding", "index"), name="finding_entry_unique")
                ],
            },
        ),
        migrations.RunPython(copy_links_to_indexes, copy_indexes_to_links),
        migrations.RemoveField(model_name="finding", name="entries"),
    ]
