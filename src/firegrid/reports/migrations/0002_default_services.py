"""Data migration: the default report categories (Open311 services), each mapped to the hazard
category a confirmed report becomes; offices edit them as data afterwards (admin)."""

from django.db import migrations

# code (= hazard category), 中文, English, description zh, description en, urgent, group
SERVICES = [
    (
        "exits_blocked",
        "疏散通道/安全出口堵塞",
        "Escape route or exit blocked",
        "楼道、疏散楼梯或安全出口被堵塞、锁闭",
        "Corridors, escape stairs or exits blocked or locked",
        True,
        "urgent",
    ),
    (
        "fire_systems",
        "消防设施停用/损坏",
        "Fire protection system off or damaged",
        "消火栓、喷淋、报警等消防设施停用、损坏或被挪用",
        "Hydrants, sprinklers, alarms switched off, damaged or misused",
        True,
        "urgent",
    ),
    (
        "ebike",
        "电动自行车楼道停放/入户充电",
        "E-bike parked in a stairwell or charged indoors",
        "电动自行车或电池在楼道、门厅停放充电，或带入户内充电",
        "E-bikes or batteries parked or charged in stairwells, lobbies or homes",
        False,
        "general",
    ),
    (
        "fire_lane",
        "消防车道占用",
        "Fire-engine access blocked",
        "消防车道被车辆、杂物、地锁或围挡占用",
        "Fire-engine lanes blocked by cars, goods, locks or fences",
        False,
        "general",
    ),
    (
        "flammables",
        "易燃易爆物品",
        "Flammable or explosive goods",
        "违规存放、销售易燃易爆物品（液化气瓶、油料、烟花爆竹等）",
        "Flammables stored or sold unsafely (LPG cylinders, fuel, fireworks…)",
        False,
        "general",
    ),
    (
        "three_in_one",
        "三合一/群租住人",
        "People sleeping in a shop or overcrowded rental",
        "生产、经营、储存场所内住人，或群租、隔断出租",
        "People living in a workshop, shop or store, or an overcrowded rental",
        False,
        "general",
    ),
    (
        "electrical",
        "电气线路/用电",
        "Unsafe wiring or electricity use",
        "私拉乱接电线、飞线充电、违规使用大功率电器",
        "Improvised wiring, cables hung out of windows, overloaded sockets",
        False,
        "general",
    ),
    (
        "other",
        "其他",
        "Other",
        "其他火灾隐患",
        "Any other fire hazard",
        False,
        "general",
    ),
]

ATTRIBUTES = {
    "exits_blocked": [
        {
            "code": "where",
            "datatype": "singlevaluelist",
            "required": False,
            "description": "堵塞位置",
            "description_en": "Where is it blocked?",
            "order": 1,
            "values": [
                {"key": "corridor", "name": "楼道", "name_en": "Corridor"},
                {"key": "exit", "name": "安全出口", "name_en": "Exit door"},
                {"key": "stairs", "name": "疏散楼梯", "name_en": "Escape stairs"},
            ],
        }
    ],
    "fire_systems": [
        {
            "code": "which_system",
            "datatype": "string",
            "required": False,
            "description": "哪种消防设施",
            "description_en": "Which system?",
            "datatype_description": "例如：消火栓、喷淋、烟感、防火门",
            "order": 1,
            "values": [],
        }
    ],
}


def load(apps, schema_editor):
    Service = apps.get_model("reports", "ReportService")
    Attribute = apps.get_model("reports", "ServiceAttribute")
    Category = apps.get_model("hazards", "HazardCategory")
    categories = {c.code: c for c in Category.objects.all()}
    for order, (code, name, name_en, desc, desc_en, urgent, group) in enumerate(SERVICES, 1):
        category = categories.get(code) or categories.get("other")
        if category is None:
            continue
        service, _ = Service.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "description": desc,
                "description_en": desc_en,
                "urgent": urgent,
                "group": group,
                "hazard_category": category,
                "sort_order": order * 10,
            },
        )
        for spec in ATTRIBUTES.get(code, []):
            Attribute.objects.update_or_create(
                service=service,
                code=spec["code"],
                defaults={k: v for k, v in spec.items() if k != "code"},
            )


def unload(apps, schema_editor):
    Service = apps.get_model("reports", "ReportService")
    Service.objects.filter(code__in=[s[0] for s in SERVICES], reports__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
