"""The demo jurisdiction (演示辖区): 登封市 with 告成镇 and 嵩阳街道 (`firegrid demo load`).

Everything derives from fixed seeds, so every run builds the same FeatureCollection. Boundaries
come from one jittered lattice of ~220 m cells shared by the whole county: a grid is a contiguous
block of cells and every parent is the union of its children, so neighbours share exactly the
same vertices and each level tiles its parent with no gap or overlap. Loading goes through the real
import and people services; a second load finds everything in place and changes nothing.

Modules: `names` (place and person names), `geometry` (the lattice and its partitions),
`collection` (the FeatureCollection), `people` (people, assignments, logins), `load` (the load).
"""

from .collection import COUNTY_CODE, HEADER, LEVELS, STREET_CODE, TOWN_CODE, demo_collection
from .load import DEFAULT_PASSWORD, DemoLoadResult, LevelCount, demo_load
from .people import (
    DEMO_LETTER_SIGNED,
    DEMO_START,
    DemoAssignment,
    DemoLogin,
    DemoPeople,
    DemoPerson,
    demo_people,
)

__all__ = [
    "COUNTY_CODE",
    "DEFAULT_PASSWORD",
    "DEMO_LETTER_SIGNED",
    "DEMO_START",
    "HEADER",
    "LEVELS",
    "STREET_CODE",
    "TOWN_CODE",
    "DemoAssignment",
    "DemoLoadResult",
    "DemoLogin",
    "DemoPeople",
    "DemoPerson",
    "LevelCount",
    "demo_collection",
    "demo_load",
    "demo_people",
]
