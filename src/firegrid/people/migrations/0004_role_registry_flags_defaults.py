"""Data migration: which default roles may reveal residents' PII and edit the registry."""

from django.db import migrations


def set_flags(apps, schema_editor):
    from firegrid.people.roles import DEFAULT_ROLES

    Role = apps.get_model("people", "Role")
    for spec in DEFAULT_ROLES:
        Role.objects.filter(code=spec["code"]).update(
            can_unmask_pii=spec["can_unmask_pii"], can_edit_registry=spec["can_edit_registry"]
        )


class Migration(migrations.Migration):
    dependencies = [("people", "0003_role_registry_flags")]

    operations = [migrations.RunPython(set_flags, migrations.RunPython.noop)]
