"""The demo registry (演示台账): what `firegrid demo load` puts in the demo county's grids.

告成镇 gets its ~500 businesses (生产经营单位) of which exactly 219 are key supervised units
(重点监管单位, seed 001/003) — by the classification rules, not by a flag: each key unit is given
attributes that fire a rule (hotel ≥ 50 rooms, shop ≥ 1000 m², entertainment ≥ 200 m², …);
its 14 schools, 4 internet cafés, 6 entertainment venues and 21 supermarkets are the seed's.
Each village gets a clinic, a market, hydrants, a fire room (消防室) with the equipment seed 003
lists, a volunteer fire team and households of left-behind children and elderly living alone.
嵩阳街道 gets street-front shops, the nine small places (九小场所), rentals, residential compounds
with buildings, households and residents, hydrants, and per community a micro fire station and
a volunteer team.

Deterministic (one seeded generator, points drawn inside each intended leaf grid and checked
with the locator) and idempotent: records are found again by stable keys (a place's licence
number, or its name + address without one; building name + address; household building + unit
+ room, or address; resident ID number digest; fire resource kind + name) and only the missing
ones are written, in bulk, with one audit record per batch.
"""

from .load import RegistryDemoResult, registry_demo_load
from .plan import TOWN_KEY_UNITS, RegistryPlan, registry_demo_plan

__all__ = [
    "TOWN_KEY_UNITS",
    "RegistryDemoResult",
    "RegistryPlan",
    "registry_demo_load",
    "registry_demo_plan",
]
