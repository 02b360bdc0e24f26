"""Seal every entry with a MAC made with the audit key, and record where the trail ends."""

from django.db import migrations, models


def seal_existing_entries(apps, schema_editor):
    # Entries written before MACs existed are sealed now, with the key this server has, so that
    # from here on every entry must carry a valid MAC. Their hashes are left as they were: an entry
    # already changed still fails the hash check.
    from oversight.audit import seal
    from oversight.audit.models import canonical_content

    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditHead = apps.get_model("audit", "AuditHead")
    connection = schema_editor.connection
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    entries, last_id, last_mac = 0, 0, ""
    for event in AuditEvent.objects.using(connection.alias).order_by("pk").iterator():
        content = canonical_content(
            at=event.at,
            actor_id=event.actor_id,
            actor_label=event.actor_label,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            object_label=event.object_label,
            detail=event.detail,
            ip_address=event.ip_address,
            previous_hash=event.previous_hash,
        )
        mac = seal.entry_mac(content)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET mac = %s WHERE id = %s", [mac, event.pk])
        entries, last_id, last_mac = entries + 1, event.pk, mac
    if entries:
        AuditHead.objects.using(connection.alias).create(
            pk=1,
            entries=entries,
            last_id=last_id,
            last_mac=last_mac,
            mac=seal.mark_mac("head", entries, last_id, last_mac),
        )


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="mac",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="MAC"),
            preserve_default=False,
        ),
        migrations.CreateModel(
            name="AuditHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("entries", models.BigIntegerField(default=0)),
                ("last_id", models.BigIntegerField(default=0)),
                ("last_mac", models.CharField(blank=True, max_length=64)),
                ("mac", models.CharField(max_length=64, verbose_name="MAC")),
            ],
            options={"verbose_name": "audit trail head", "default_permissions": ()},
        ),
        migrations.RunPython(seal_existing_entries, migrations.RunPython.noop),
    ]
