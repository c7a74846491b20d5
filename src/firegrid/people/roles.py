"""The default roles (责任人角色). Loaded by a data migration; offices may edit them as data."""

from __future__ import annotations

from typing import Any

# code, 中文, English, sort order, may manage its subtree, sees phones, duties (中文)
DEFAULT_ROLES: list[dict[str, Any]] = [
    {"code": "county_office", "name": "区县网格办", "name_en": "County grid office staff",
     "sort_order": 10, "can_manage": True, "sees_phones": True,
     "duties": "统筹全区县消防安全网格化管理，维护网格和人员。"},
    {"code": "chief_grid_head", "name": "总网格长", "name_en": "Chief grid head",
     "sort_order": 20, "can_manage": True, "sees_phones": True,
     "duties": "对本级网格消防安全工作负总责。"},
    {"code": "street_office", "name": "街道/乡镇网格办", "name_en": "Street/town grid office staff",
     "sort_order": 30, "can_manage": True, "sees_phones": True,
     "duties": "组织本街道（乡镇）网格巡查、隐患整改和考核。"},
    {"code": "contracting_leader", "name": "包片领导", "name_en": "Contracting leader",
     "sort_order": 40, "can_manage": False, "sees_phones": True,
     "duties": "包片负责，督导所包网格的消防安全工作。"},
    {"code": "community_office", "name": "社区/村网格办", "name_en": "Community/village office staff",
     "sort_order": 50, "can_manage": True, "sees_phones": True,
     "duties": "管理本社区（村）网格、人员和台账。"},
    {"code": "grid_head", "name": "网格长", "name_en": "Grid head",
     "sort_order": 60, "can_manage": False, "sees_phones": True,
     "duties": "负责本网格消防安全巡查、隐患排查和信息上报。"},
    {"code": "fulltime_worker", "name": "专职网格员", "name_en": "Full-time grid worker",
     "sort_order": 70, "can_manage": False, "sees_phones": False,
     "duties": "按规定频次巡查检查，登记隐患，督促整改。"},
    {"code": "parttime_worker", "name": "兼职网格员", "name_en": "Part-time grid worker",
     "sort_order": 80, "can_manage": False, "sees_phones": False,
     "duties": "协助巡查，发现隐患及时上报；与搭档互为AB岗。"},
    {"code": "building_head", "name": "楼栋长", "name_en": "Building head",
     "sort_order": 90, "can_manage": False, "sees_phones": False,
     "duties": "每日巡查楼栋，劝阻楼道堆物和电动车违规停放充电。"},
    {"code": "community_police", "name": "社区民警", "name_en": "Community police officer",
     "sort_order": 100, "can_manage": False, "sees_phones": True,
     "duties": "每周检查重点单位，依法处理消防违法行为。"},
    {"code": "fire_officer", "name": "消防管理员", "name_en": "Fire-safety officer",
     "sort_order": 110, "can_manage": False, "sees_phones": False,
     "duties": "开展消防宣传培训，检查消防设施器材。"},
    {"code": "volunteer", "name": "志愿者", "name_en": "Volunteer",
     "sort_order": 120, "can_manage": False, "sees_phones": False,
     "duties": "参与消防宣传、巡查和初起火灾扑救。"},
    {"code": "evaluator", "name": "监督评议员", "name_en": "External evaluator",
     "sort_order": 130, "can_manage": False, "sees_phones": False,
     "duties": "监督评议网格工作成效。"},
]
