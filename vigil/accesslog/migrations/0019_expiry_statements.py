"""Store the signed statements by which expiry vouches for the entries it empties.

Entries that expired before this migration have no statement, and their
content is gone, so their leaves can no longer be checked. The migration
signs one statement per log for the prefix of entries that expired before
it, from what the database holds now: the cut-off is one millisecond after
the latest time among them. This is the statement format of
``vigil.accesslog.expiry_statements``, version 1, written out here so that
the migration keeps producing it.
"""

import datetime
from typing import Any

import django.db.models.deletion
from django.db import migrations, models

from vigil.ledger import Ed25519Signer, sign_note

STATEMENT_HEADER = "vigil.accesslog/expiry/v1"


def _expired_prefix(entries: Any) -> int:
    """Return the number of expired entries that run from index 0 without a gap."""
    expired = entries.filter(expired_at__isnull=False).order_by("index")
    prefix = 0
    for index in expired.values_list("index", flat=True).iterator(chunk_size=10_000):
        if index != prefix:
            break
        prefix += 1
    return prefix


def sign_earlier_expiry(apps: Any, schema_editor: Any) -> None:
    alias = schema_editor.connection.alias
    AccessEntry = apps.get_model("accesslog", "AccessEntry")
    ExpiryStatement = apps.get_model("accesslog", "ExpiryStatement")
    LogKeys = apps.get_model("accesslog", "LogKeys")
    for keys in LogKeys.objects.using(alias).all():
        entries = AccessEntry.objects.using(alias).filter(
            organisation_id=keys.organisation_id
        )
        end = _expired_prefix(entries)
        if not end:
            continue
        latest = entries.filter(index__lt=end).aggregate(latest=models.Max("time"))
        cutoff = latest["latest"].astimezone(datetime.UTC) + datetime.timedelta(
            milliseconds=1
        )
        cutoff_text = cutoff.isoformat(timespec="milliseconds")[:-6] + "Z"
        body = f"{STATEMENT_HEADER}\n{keys.origin}\n0 {end}\n{cutoff_text}\n"
        note = sign_note(body, Ed25519Signer.from_signer_key(keys.signer_key))
        ExpiryStatement.objects.using(alias).create(
            organisation_id=keys.organisation_id, start=0, end=end, note=note
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accesslog", "0018_tree_node_tiles"),
        ("organisations", "0004_field_verbose_names"),
    ]

    operations = [
        migrations.CreateModel(
            name="ExpiryStatement",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("start", models.BigIntegerField(verbose_name="first emptied entry")),
                (
                    "end",
                    models.BigIntegerField(
                        verbose_name="entry after the last emptied one"
                    ),
                ),
                ("note", models.TextField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "organisation",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.organisation",
                    ),
                ),
            ],
            options={
                "ordering": ["organisation", "start"],
                "indexes": [
                    models.Index(
                        fields=["organisation", "start"],
                        name="expiry_statement_start_idx",
                    )
                ],
            },
        ),
        migrations.RunPython(sign_earlier_expiry, migrations.RunPython.noop),
    ]
