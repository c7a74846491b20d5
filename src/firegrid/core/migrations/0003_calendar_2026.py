from django.db import migrations


def load(apps, schema_editor):
    from firegrid.core.holidays import HOLIDAYS_2026, calendar_rows

    CalendarDay = apps.get_model("core", "CalendarDay")
    for day, working, name in calendar_rows(HOLIDAYS_2026):
        CalendarDay.objects.update_or_create(
            day=day,
            defaults={"is_working": working, "name": name, "source": HOLIDAYS_2026["source"]},
        )


def unload(apps, schema_editor):
    apps.get_model("core", "CalendarDay").objects.filter(day__year=2026).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_calendar_day")]
    operations = [migrations.RunPython(load, unload)]
