"""Business support read line management in the admin but no longer change it.

Line management decides who may read whose supervision (ADR 0004), so changing it is granting
access: it goes through the audited reassignment page (senior managers) or the import, never a
form business support can fill in about themselves.
"""

from django.db import migrations


def withdraw(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Business support").first()
    if group is None:
        return
    group.permissions.remove(
        *Permission.objects.filter(
            content_type__app_label="organisation",
            content_type__model="linemanagement",
            codename__in=[
                "add_linemanagement",
                "change_linemanagement",
                "delete_linemanagement",
            ],
        )
    )


def give_back(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Business support").first()
    if group is not None:
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="organisation", content_type__model="linemanagement"
            )
        )


class Migration(migrations.Migration):
    dependencies = [("organisation", "0002_business_support_group")]

    operations = [migrations.RunPython(withdraw, give_back)]
