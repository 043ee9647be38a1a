"""Index tree nodes with their hash, so that a proof reads each node from the index."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accesslog", "0010_entry_rowid"),
        ("organisations", "0003_postcode_validator"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="treenode",
            index=models.Index(
                fields=["organisation", "level", "index", "hash"],
                name="tree_node_hash_idx",
            ),
        ),
    ]
