"""Default hazard categories (隐患类别), loaded by a data migration; offices edit them as data."""

from __future__ import annotations

# code, 中文, English
DEFAULT_CATEGORIES: list[tuple[str, str, str]] = [
    ("ebike", "电动自行车违规停放/充电", "E-bike parked or charged indoors"),
    ("exits_blocked", "疏散通道/安全出口堵塞", "Escape route or exit blocked"),
    ("exit_signs_lighting", "应急照明/疏散指示缺损", "Emergency lighting or exit signs missing"),
    ("extinguishers", "灭火器材缺失/失效", "Extinguishers missing or expired"),
    ("fire_systems", "消防设施损坏/停用", "Fire protection system damaged or off"),
    ("alarms", "火灾报警/烟感缺失", "Fire or smoke alarms missing"),
    ("electrical", "电气线路/用电违规", "Unsafe wiring or electrical use"),
    ("gas_fuel", "燃气/用火违规", "Unsafe gas or open-flame use"),
    ("flammables", "易燃易爆物品违规存放", "Flammables stored or sold unsafely"),
    ("three_in_one", "三合一违规住人", "People sleeping in a three-in-one premises"),
    ("sandwich_panel", "易燃夹芯彩钢板搭建", "Combustible sandwich-panel construction"),
    ("window_grilles", "防盗窗未留逃生口", "Window grilles without an escape opening"),
    ("fire_lane", "消防车道占用", "Fire-engine access blocked"),
    ("management", "消防安全管理缺失", "Fire-safety management missing"),
    ("rental_overcrowding", "出租屋超员/地下室出租", "Rental overcrowded or in a basement"),
    ("other", "其他隐患", "Other hazard"),
]
