"""Data migration: the default place taxonomy and classification rules, editable afterwards."""

from django.db import migrations


def load(apps, schema_editor):
    from firegrid.registry.taxonomy import DEFAULT_PLACE_TYPES, DEFAULT_RULES

    PlaceType = apps.get_model("registry", "PlaceType")
    Rule = apps.get_model("registry", "ClassificationRule")
    for spec in DEFAULT_PLACE_TYPES:
        PlaceType.objects.update_or_create(
            code=spec["code"], defaults={k: v for k, v in spec.items() if k != "code"}
        )
    types = {t.code: t for t in PlaceType.objects.all()}
    for spec in DEFAULT_RULES:
        values = {k: v for k, v in spec.items() if k not in ("code", "place_types")}
        rule, _ = Rule.objects.update_or_create(code=spec["code"], defaults=values)
        rule.place_types.set([types[code] for code in spec["place_types"]])


def unload(apps, schema_editor):
    apps.get_model("registry", "ClassificationRule").objects.all().delete()
    apps.get_model("registry", "PlaceType").objects.filter(places__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
