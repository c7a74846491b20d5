"""Data migration: the default roles (责任人角色), editable afterwards as data."""

from django.db import migrations


def load_roles(apps, schema_editor):
    from firegrid.people.roles import DEFAULT_ROLES

    Role = apps.get_model("people", "Role")
    # Later migrations add role flags; this one sets only the fields the model has at this point.
    known = {field.name for field in Role._meta.get_fields()}
    for spec in DEFAULT_ROLES:
        Role.objects.update_or_create(
            code=spec["code"], defaults={k: v for k, v in spec.items() if k != "code" and k in known}
        )


def unload_roles(apps, schema_editor):
    from firegrid.people.roles import DEFAULT_ROLES

    Role = apps.get_model("people", "Role")
    Role.objects.filter(
        code__in=[spec["code"] for spec in DEFAULT_ROLES], assignments__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(load_roles, unload_roles)]
