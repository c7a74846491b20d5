"""The demo registry loaded by `firegrid demo load`: the seed's numbers, points inside their
grids, personal data encrypted, and a second load that writes nothing."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import shapely
from django.db.models import Count, F, Max
from shapely.geometry import shape

from firegrid.core import pii
from firegrid.core.models import AuditEvent
from firegrid.grids.demo import DemoLoadResult, demo_load
from firegrid.grids.locator import get_locator
from firegrid.grids.models import Grid
from firegrid.registry.classification import active_rules, classify
from firegrid.registry.models import (
    Building,
    EquipmentItem,
    FireResource,
    Household,
    Place,
    Resident,
    TeamMember,
)

pytestmark = pytest.mark.django_db

TOWN, STREET = "410185103", "410185001"


@pytest.fixture
def loaded() -> DemoLoadResult:
    return demo_load()


def _under(code: str) -> str:
    return Grid.objects.get(code=code).path


def test_town_has_about_500_businesses_of_which_exactly_219_are_key_units_by_the_rules(
    loaded: DemoLoadResult,
) -> None:
    town = Place.objects.filter(grid_path__startswith=_under(TOWN)).select_related("place_type")
    assert 500 <= town.count() <= 530
    key_units = [p for p in town if p.is_key_unit]
    assert len(key_units) == 219
    rules = active_rules()
    for place in town:  # the flag is what the rules compute from the attributes, no override
        assert place.overrides == {}
        computed = classify(
            type_id=place.place_type_id,
            default_risk=place.place_type.default_risk,
            values={
                f: getattr(place, f)
                for f in ("floors", "beds", "rooms", "occupants", "floor_area_m2", "height_m")
            },
            rules=rules,
        )
        assert computed == place.classification, place.name
        assert place.is_key_unit == computed["is_key_unit"], place.name
    types = Counter(p.place_type.code for p in town)
    # The seed's own numbers: 14 schools, 4 internet cafés, 6 entertainment, 21 supermarkets.
    assert (types["school"], types["small_internet_cafe"]) == (14, 4)
    assert (types["public_entertainment"], types["shopping_mall"]) == (6, 21)
    villages = Grid.objects.filter(parent__code=TOWN)
    per_village = Counter(p.grid_path[: len(villages[0].path)] for p in town)
    assert len(per_village) == 24  # spread over every village
    assert len({p.licence_number for p in town}) == town.count()


def test_street_has_shops_small_places_rentals_and_residential_buildings_with_households(
    loaded: DemoLoadResult,
) -> None:
    street = _under(STREET)
    types = Counter(
        Place.objects.filter(grid_path__startswith=street).values_list(
            "place_type__code", flat=True
        )
    )
    assert types["street_shop"] >= 100
    assert sum(n for code, n in types.items() if code.startswith("small_")) >= 80
    assert types["rental_house"] > 0 and types["shared_rental"] > 0
    assert {"residential_old", "residential_multi", "residential_high_rise"} <= set(types)
    categories = set(
        Building.objects.filter(grid_path__startswith=street).values_list("category", flat=True)
    )
    assert categories == {"old", "multi_storey", "high_rise"}
    assert Household.objects.filter(building__isnull=False, grid_path__startswith=street).count()
    assert Household.objects.filter(is_rental=True).exclude(landlord_phone="").exists()


def test_fire_resources_one_fire_room_per_village_and_a_station_and_team_per_community(
    loaded: DemoLoadResult,
) -> None:
    town, street = _under(TOWN), _under(STREET)
    rooms = FireResource.objects.filter(kind="fire_room")
    assert rooms.count() == 24
    villages = Grid.objects.filter(parent__code=TOWN)
    for village in villages:
        assert rooms.filter(grid_path__startswith=village.path).count() == 1, village.name
    assert (
        EquipmentItem.objects.filter(resource__kind="fire_room")
        .values("resource")
        .distinct()
        .count()
        == 24
    )
    assert set(
        EquipmentItem.objects.filter(resource__kind="fire_room").values_list("name", flat=True)
    ) >= {"消防水带", "消防水枪", "消防斧", "救生绳", "应急照明灯", "消火栓扳手"}
    assert FireResource.objects.filter(kind="hydrant", grid_path__startswith=town).count() >= 48
    assert FireResource.objects.filter(kind="hydrant", grid_path__startswith=street).count() >= 36
    for community in Grid.objects.filter(parent__code=STREET):
        here = FireResource.objects.filter(grid_path__startswith=community.path)
        assert here.filter(kind="micro_station").count() == 1, community.name
        [team] = here.filter(kind="volunteer_team")
        assert team.members.count() >= 8
    phones = TeamMember.objects.exclude(phone="").values_list("phone", flat=True)
    assert all(len(phone) == 11 and phone.isdigit() for phone in phones)
    assert TeamMember.objects.filter(person__isnull=False).exists()  # demo volunteers joined


def test_residents_have_vulnerable_flags_and_valid_encrypted_id_numbers(
    loaded: DemoLoadResult,
) -> None:
    residents = Resident.objects.all()
    total = residents.count()
    vulnerable = residents.filter(lives_alone_elderly=True).count()
    assert total > 1000
    assert 0 < vulnerable < total // 5
    for flag in ("disabled", "left_behind_child", "limited_mobility"):
        assert residents.filter(**{flag: True}).exists(), flag
    sample = list(residents.order_by("id")[:200])
    for resident in sample:
        clear = pii.decrypt(resident.id_number_encrypted)
        assert pii.id_number_valid(clear)
        assert resident.id_number_masked == pii.mask_id_number(clear)
        assert clear not in (resident.id_number_encrypted, resident.id_number_digest)
        assert resident.birth_year == int(clear[6:10])
        assert resident.grid_id == resident.household.grid_id
    assert residents.values("id_number_digest").distinct().count() == total
    alone = residents.filter(lives_alone_elderly=True).select_related("household")
    assert all(r.household.size == 1 and (r.birth_year or 9999) <= 1957 for r in alone)
    sizes = Household.objects.annotate(n=Count("residents")).filter(n__gt=0)
    assert all(h.size == h.n for h in sizes)


def test_every_point_lies_inside_its_grid(loaded: DemoLoadResult) -> None:
    locator = get_locator()
    boundaries = {pk: shape(b) for pk, b in Grid.objects.values_list("pk", "boundary")}
    paths = dict(Grid.objects.values_list("pk", "path"))
    for model in (Place, Building, FireResource):
        rows = list(model.objects.values_list("lon", "lat", "grid_id", "grid_path"))
        assert rows, model
        for lon, lat, grid_id, grid_path in rows:
            assert lon is not None and lat is not None
            assert locator.locate(lon, lat) == grid_id, (model, lon, lat)
            assert shapely.contains_xy(boundaries[grid_id], lon, lat)
            assert grid_path == paths[grid_id]
    in_buildings = Household.objects.filter(building__isnull=False)
    assert in_buildings.exclude(grid_id=F("building__grid_id")).count() == 0
    assert in_buildings.exclude(grid_path=F("building__grid_path")).count() == 0


def _snapshot() -> dict[str, Any]:
    return {
        "places": Place.objects.count(),
        "buildings": Building.objects.count(),
        "households": Household.objects.count(),
        "residents": Resident.objects.count(),
        "resources": FireResource.objects.count(),
        "equipment": EquipmentItem.objects.count(),
        "members": TeamMember.objects.count(),
        "audit events": AuditEvent.objects.count(),
        "last change": [
            m.objects.aggregate(last=Max("updated_at"))["last"]
            for m in (Place, Building, Household, Resident, FireResource)
        ],
    }


def test_second_load_writes_nothing(loaded: DemoLoadResult) -> None:
    assert loaded.registry is not None
    assert loaded.registry.created == loaded.registry.totals
    before = _snapshot()
    again = demo_load()
    assert _snapshot() == before
    assert again.registry is not None
    assert set(again.registry.created.values()) == {0}
    assert again.changed is False


def test_the_plan_is_the_same_every_time(loaded: DemoLoadResult) -> None:
    from firegrid.registry.demo import registry_demo_plan

    first, second = registry_demo_plan(), registry_demo_plan()
    assert [(p.name, p.address, p.lon, p.lat) for p in first.places] == [
        (p.name, p.address, p.lon, p.lat) for p in second.places
    ]
    stored = set(Place.objects.values_list("name", "address", "lon", "lat"))
    assert {(p.name, p.address, p.lon, p.lat) for p in first.places} == stored
