"""Business support correct organisation and case data through the admin: give their group the rights.

Supervision sessions and agreements are left out on purpose: business support read no records.
"""

from django.db import migrations

MODELS = {
    "organisation": ["service", "team", "staff", "linemanagement"],
    "cases": ["case", "allocation", "casestatus", "caseevent", "siblinggroup"],
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for config in apps.get_app_configs():
        config.models_module = True
        create_permissions(config, verbosity=0)
        config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Business support")
    for app_label, models in MODELS.items():
        for model in models:
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label, content_type__model=model
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("organisation", "0001_initial"),
        ("cases", "0001_initial"),
        ("supervision", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
