from django.db import migrations


def load(apps, schema_editor):
    from firegrid.inspections.defaults import DEFAULT_CHECKLISTS, DEFAULT_RULES

    Template = apps.get_model("inspections", "ChecklistTemplate")
    Item = apps.get_model("inspections", "ChecklistItem")
    Rule = apps.get_model("inspections", "ScheduleRule")
    PlaceType = apps.get_model("registry", "PlaceType")
    Role = apps.get_model("people", "Role")
    for spec in DEFAULT_CHECKLISTS:
        if Template.objects.filter(code=spec["code"]).exists():
            continue
        template = Template.objects.create(
            code=spec["code"],
            version=1,
            kind=spec["kind"],
            name=spec["name"],
            name_en=spec["name_en"],
            for_key_units=spec.get("for_key_units", False),
            priority=spec.get("priority", 100),
            source=spec.get("source", ""),
        )
        template.place_types.set(PlaceType.objects.filter(code__in=spec["place_types"]))
        for position, item in enumerate(spec["items"]):
            Item.objects.create(template=template, position=position, **item)
    for spec in DEFAULT_RULES:
        if Rule.objects.filter(code=spec["code"]).exists():
            continue
        fields = {k: v for k, v in spec.items() if k not in ("roles", "place_types")}
        rule = Rule.objects.create(**fields)
        rule.roles.set(Role.objects.filter(code__in=spec["roles"]))
        rule.place_types.set(PlaceType.objects.filter(code__in=spec.get("place_types", [])))


def unload(apps, schema_editor):
    from firegrid.inspections.defaults import DEFAULT_CHECKLISTS, DEFAULT_RULES

    Rule = apps.get_model("inspections", "ScheduleRule")
    Template = apps.get_model("inspections", "ChecklistTemplate")
    Rule.objects.filter(code__in=[r["code"] for r in DEFAULT_RULES], tasks__isnull=True).delete()
    Template.objects.filter(
        code__in=[c["code"] for c in DEFAULT_CHECKLISTS], inspections__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0001_initial"),
        ("people", "0005_role_hours_leave"),
        ("registry", "0002_default_taxonomy"),
    ]
    operations = [migrations.RunPython(load, unload)]
