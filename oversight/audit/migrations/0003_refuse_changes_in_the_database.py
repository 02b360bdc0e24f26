"""On PostgreSQL, the database itself refuses to change or delete an audit entry.

The ORM already refuses; this stops anyone with the application's database role, through any
client. SQLite, the single-user development database, has no roles to tell apart: there the
file's owner can do anything, so nothing is installed. TRUNCATE is left to the head record and
checkpoint to detect (a TRUNCATE trigger would stop test databases being emptied between tests).
"""

from django.db import migrations

TABLE = "audit_auditevent"

INSTALL = f"""
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The audit trail is append-only: % of audit entry #% is refused',
        lower(TG_OP), OLD.id
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
"""

REMOVE = f"""
DROP TRIGGER IF EXISTS audit_append_only ON {TABLE};
DROP FUNCTION IF EXISTS audit_refuse_change();
"""


def _run(schema_editor, sql):
    if schema_editor.connection.vendor == "postgresql":
        # No parameters, so the % in the message is not read as a placeholder.
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql)


def install(apps, schema_editor):
    _run(schema_editor, INSTALL)


def remove(apps, schema_editor):
    _run(schema_editor, REMOVE)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_mac_and_head")]

    operations = [migrations.RunPython(install, remove)]
