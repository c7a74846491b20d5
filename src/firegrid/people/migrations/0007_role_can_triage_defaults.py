"""Data migration: which default roles handle citizen reports and notice receipts (can_triage).

The codes are copied here, not imported from `firegrid.people.roles`, so a later change of the
defaults does not rewrite history. Office roles, 网格长, 专职/兼职网格员 and 社区民警 triage;
包片领导 supervises, 楼栋长 and 志愿者 report, 消防管理员 and 监督评议员 do not handle reports.
"""

from django.db import migrations

TRIAGE_ROLES = (
    "county_office",
    "chief_grid_head",
    "street_office",
    "community_office",
    "grid_head",
    "fulltime_worker",
    "parttime_worker",
    "community_police",
)


def set_flag(apps, schema_editor):
    Role = apps.get_model("people", "Role")
    Role.objects.filter(code__in=TRIAGE_ROLES).update(can_triage=True)


def unset_flag(apps, schema_editor):
    Role = apps.get_model("people", "Role")
    Role.objects.update(can_triage=False)


class Migration(migrations.Migration):
    dependencies = [("people", "0006_role_can_triage")]

    operations = [migrations.RunPython(set_flag, unset_flag)]
