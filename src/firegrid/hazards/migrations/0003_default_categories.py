from django.db import migrations


def load(apps, schema_editor):
    from firegrid.hazards.categories import DEFAULT_CATEGORIES

    HazardCategory = apps.get_model("hazards", "HazardCategory")
    for order, (code, name, name_en) in enumerate(DEFAULT_CATEGORIES, start=1):
        HazardCategory.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": order * 10}
        )


def unload(apps, schema_editor):
    from firegrid.hazards.categories import DEFAULT_CATEGORIES

    HazardCategory = apps.get_model("hazards", "HazardCategory")
    Hazard = apps.get_model("hazards", "Hazard")
    used = set(Hazard.objects.values_list("category__code", flat=True))
    HazardCategory.objects.filter(code__in=[c[0] for c in DEFAULT_CATEGORIES]).exclude(
        code__in=used
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("hazards", "0002_hazard_links")]
    operations = [migrations.RunPython(load, unload)]
