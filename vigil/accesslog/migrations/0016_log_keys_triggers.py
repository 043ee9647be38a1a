"""Database triggers that keep each organisation's log keys as they were created.

The pseudonym key decides the pseudonym of every entry and of every search,
and the signing key and origin are those that auditors hold. A changed
pseudonym key would make every search by data subject find nothing and give
new entries other pseudonyms, while the hashes and signatures still verify.
So the row of ``LogKeys`` rejects DELETE, TRUNCATE on PostgreSQL, and every
UPDATE that changes a column. An UPDATE that writes the same values, as
Django's ``save()`` of an unchanged row does, is allowed. Whoever controls
the database can drop these triggers, as those of the entries.

On SQLite a later migration that rebuilds the table drops these triggers,
so it must create them again, as ``0012_entry_organisation_unconstrained``
does for the entries.
"""

from typing import Any

from django.db import migrations

TABLE = "accesslog_logkeys"
COLUMNS = (
    "id",
    "organisation_id",
    "origin",
    "signer_key",
    "verifier_key",
    "pseudonym_key",
    "created_at",
)
MESSAGE = "the keys of the access log cannot be changed or deleted"
SQLITE_TRIGGERS = ("accesslog_logkeys_no_update", "accesslog_logkeys_no_delete")
POSTGRESQL_TRIGGERS = ("accesslog_logkeys_unchanged", "accesslog_logkeys_no_truncate")
POSTGRESQL_FUNCTION = "accesslog_logkeys_fixed"


def _unchanged(operator: str) -> str:
    """Return the condition that an UPDATE leaves every column as it was."""
    return " AND ".join(f"NEW.{column} {operator} OLD.{column}" for column in COLUMNS)


def _sqlite_statements() -> list[str]:
    return [
        f"""CREATE TRIGGER accesslog_logkeys_no_update BEFORE UPDATE ON {TABLE}
            WHEN NOT ({_unchanged("IS")})
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
        f"""CREATE TRIGGER accesslog_logkeys_no_delete BEFORE DELETE ON {TABLE}
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    ]


def _postgresql_statements() -> list[str]:
    return [
        f"""CREATE OR REPLACE FUNCTION {POSTGRESQL_FUNCTION}() RETURNS trigger
            AS $$ BEGIN
                -- NEW is null for DELETE and TRUNCATE, so it is read only here.
                IF TG_OP = 'UPDATE' THEN
                    IF {_unchanged("IS NOT DISTINCT FROM")} THEN
                        RETURN NEW;
                    END IF;
                END IF;
                RAISE EXCEPTION '{MESSAGE}';
            END; $$ LANGUAGE plpgsql""",
        f"""CREATE TRIGGER accesslog_logkeys_unchanged BEFORE UPDATE OR DELETE
            ON {TABLE} FOR EACH ROW EXECUTE FUNCTION {POSTGRESQL_FUNCTION}()""",
        # TRUNCATE bypasses row triggers, so it gets a statement trigger.
        f"""CREATE TRIGGER accesslog_logkeys_no_truncate BEFORE TRUNCATE ON {TABLE}
            FOR EACH STATEMENT EXECUTE FUNCTION {POSTGRESQL_FUNCTION}()""",
    ]


def _drop_statements(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]
    if vendor == "postgresql":
        return [
            *(
                f"DROP TRIGGER IF EXISTS {name} ON {TABLE}"
                for name in POSTGRESQL_TRIGGERS
            ),
            f"DROP FUNCTION IF EXISTS {POSTGRESQL_FUNCTION}()",
        ]
    return []


def create_triggers(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": _sqlite_statements, "postgresql": _postgresql_statements}
    for statement in statements.get(vendor, list)():
        schema_editor.execute(statement)


def drop_triggers(apps: Any, schema_editor: Any) -> None:
    for statement in _drop_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("accesslog", "0015_verification_reason")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
