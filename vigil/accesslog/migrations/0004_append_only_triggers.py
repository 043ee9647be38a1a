"""Database triggers that keep the access log append-only.

Entries, tree nodes and checkpoints reject DELETE, and tree nodes and
checkpoints reject UPDATE. The one UPDATE an entry accepts is its expiry:
``expired_at`` goes from empty to set, the content columns and the leaf
bytes are emptied, and the index, event id, time and leaf hash stay. Whoever
controls the database can drop these triggers; the hashes and signed
checkpoints then still reveal the change (``vigil accesslog verify``).
"""

from django.db import migrations

ENTRY_TABLE = "accesslog_accessentry"
PROTECTED_TABLES = ("accesslog_treenode", "accesslog_logcheckpoint")

# The condition under which an UPDATE of an entry is its expiry.
EXPIRY = """OLD.expired_at IS NULL AND NEW.expired_at IS NOT NULL
    AND NEW.id = OLD.id
    AND NEW.organisation_id = OLD.organisation_id
    AND NEW."index" = OLD."index"
    AND NEW.event_id = OLD.event_id
    AND NEW."time" = OLD."time"
    AND NEW.received_at = OLD.received_at
    AND NEW.leaf_hash = OLD.leaf_hash
    AND {length}(NEW.leaf) = 0
    AND NEW.user_id = '' AND NEW.application = '' AND NEW.action = ''
    AND NEW.subject_pseudonym = '' AND NEW.service = ''
    AND NEW.case_ref = '' AND NEW.source_ip IS NULL AND NEW.outcome = ''"""

MESSAGE = "the access log is append-only"


def _sqlite_statements() -> list[str]:
    statements = [
        f"""CREATE TRIGGER accesslog_entry_no_delete BEFORE DELETE ON {ENTRY_TABLE}
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
        f"""CREATE TRIGGER accesslog_entry_only_expiry BEFORE UPDATE ON {ENTRY_TABLE}
            WHEN NOT ({EXPIRY.format(length="length")})
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}: only expiry may change an entry');
            END""",
    ]
    for table in PROTECTED_TABLES:
        statements += [
            f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
                BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
            f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
                BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
        ]
    return statements


def _sqlite_reverse() -> list[str]:
    names = ["accesslog_entry_no_delete", "accesslog_entry_only_expiry"]
    for table in PROTECTED_TABLES:
        names += [f"{table}_no_update", f"{table}_no_delete"]
    return [f"DROP TRIGGER IF EXISTS {name}" for name in names]


def _postgresql_statements() -> list[str]:
    statements = [
        f"""CREATE OR REPLACE FUNCTION accesslog_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql""",
        f"""CREATE OR REPLACE FUNCTION accesslog_entry_only_expiry() RETURNS trigger
            AS $$ BEGIN
                IF {EXPIRY.format(length="octet_length")} THEN RETURN NEW; END IF;
                RAISE EXCEPTION '{MESSAGE}: only expiry may change an entry';
            END; $$ LANGUAGE plpgsql""",
        f"""CREATE TRIGGER accesslog_entry_no_delete BEFORE DELETE ON {ENTRY_TABLE}
            FOR EACH ROW EXECUTE FUNCTION accesslog_append_only()""",
        f"""CREATE TRIGGER accesslog_entry_only_expiry BEFORE UPDATE ON {ENTRY_TABLE}
            FOR EACH ROW EXECUTE FUNCTION accesslog_entry_only_expiry()""",
    ]
    for table in (ENTRY_TABLE, *PROTECTED_TABLES):
        # TRUNCATE bypasses row triggers, so it gets a statement trigger.
        statements.append(
            f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
                FOR EACH STATEMENT EXECUTE FUNCTION accesslog_append_only()"""
        )
    for table in PROTECTED_TABLES:
        statements.append(
            f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
                FOR EACH ROW EXECUTE FUNCTION accesslog_append_only()"""
        )
    return statements


def _postgresql_reverse() -> list[str]:
    statements = [
        f"DROP TRIGGER IF EXISTS accesslog_entry_no_delete ON {ENTRY_TABLE}",
        f"DROP TRIGGER IF EXISTS accesslog_entry_only_expiry ON {ENTRY_TABLE}",
    ]
    for table in (ENTRY_TABLE, *PROTECTED_TABLES):
        statements.append(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    for table in PROTECTED_TABLES:
        statements.append(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    statements += [
        "DROP FUNCTION IF EXISTS accesslog_append_only()",
        "DROP FUNCTION IF EXISTS accesslog_entry_only_expiry()",
    ]
    return statements


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("accesslog", "0003_entry_indexes_and_run_counts")]

    operations = [
        migrations.RunPython(
            _run(
                {"sqlite": _sqlite_statements(), "postgresql": _postgresql_statements()}
            ),
            _run({"sqlite": _sqlite_reverse(), "postgresql": _postgresql_reverse()}),
        )
    ]
