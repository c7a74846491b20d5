"""Grid import (网格导入): every bad input named by feature and field, all-or-nothing writes,
idempotent re-import, re-parenting, audit, version stamp and locator rebuild."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from firegrid.conftest import SMALL_HEADER, feature, rect, small_collection
from firegrid.core.errors import PermissionDenied
from firegrid.core.models import AuditEvent
from firegrid.grids.importing import ImportRejected, Problem, read_collection
from firegrid.grids.locator import current_grid_version, get_locator
from firegrid.grids.models import Grid
from firegrid.grids.services import grids_import

pytestmark = pytest.mark.django_db

BOWTIE = {
    "type": "Polygon",
    "coordinates": [
        [[113.01, 34.41], [113.04, 34.44], [113.04, 34.41], [113.01, 34.44], [113.01, 34.41]]
    ],
}


def collection(*features: dict[str, Any], header: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "firegrid": header or SMALL_HEADER,
        "features": [*features],
    }


def rejected(data: Any, **kwargs: Any) -> list[Problem]:
    """Import `data`, expect a rejection, prove nothing was written; return the problems."""
    grids_before, events_before = Grid.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ImportRejected) as caught:
        grids_import(collection=data, actor=None, **kwargs)
    assert Grid.objects.count() == grids_before
    assert AuditEvent.objects.count() == events_before
    return caught.value.plan.errors


def where(problems: list[Problem]) -> list[tuple[int | None, str, str]]:
    return [(p.feature, p.code, p.field) for p in problems]


def grid_feature(code: str, parent: str, geometry: dict[str, Any], **props: Any) -> dict[str, Any]:
    return feature(code, f"网格{code[-3:]}", 3, parent, geometry, **props)


# ------------------------------------------------------------------ acceptance


def test_self_intersection_overlap_and_unknown_parent_are_all_reported_and_nothing_written(
    small_jurisdiction,
):
    data = collection(
        grid_feature("410185001001003", "410185001001", BOWTIE),
        grid_feature("410185001001004", "410185001001", rect(113.02, 34.42, 0.05, 0.05)),
        grid_feature("410185009001001", "410185009001", rect(113.3, 34.45, 0.05, 0.05)),
    )

    problems = rejected(data)

    assert where(problems) == [
        (1, "410185001001003", "geometry"),
        (2, "410185001001004", "geometry"),
        (3, "410185009001001", "parent_code"),
    ]
    assert problems[0].message == "invalid polygon: self-intersection at (113.025, 34.425)"
    assert problems[1].message.startswith("overlaps sibling 410185001001001 by ")
    assert "around (113.045000, 34.445000)" in problems[1].message
    assert problems[2].message == "unknown parent '410185009001'"
    assert Grid.objects.count() == 15


def test_problem_reads_feature_code_field_and_message():
    problem = Problem(3, "410185009001001", "parent_code", "unknown parent '410185009001'")
    assert (
        str(problem)
        == "feature #3 (code 410185009001001), parent_code: unknown parent '410185009001'"
    )
    assert str(Problem(None, "", "crs", "unknown")) == "file, crs: unknown"


# ------------------------------------------------------------ bad input, one by one


def test_malformed_json_names_line_and_column():
    with pytest.raises(ImportRejected) as caught:
        read_collection(b'{"type": "FeatureCollection",\n "features": [}')
    [problem] = caught.value.plan.errors
    assert (problem.feature, problem.field) == (None, "json")
    assert problem.message.startswith("malformed JSON at line 2, column 15: ")


def test_text_that_is_not_utf8_is_refused():
    with pytest.raises(ImportRejected) as caught:
        read_collection('{"name": "测试"}'.encode("gb18030"))
    assert where(caught.value.plan.errors) == [(None, "", "encoding")]


@pytest.mark.parametrize("data", [{"type": "Feature"}, [], "text", {"features": []}])
def test_anything_but_a_feature_collection_is_refused(db, data):
    problems = rejected(data, jurisdiction_code="410185")
    assert where(problems) == [(None, "", "type")]
    assert problems[0].message == "the file is not a GeoJSON FeatureCollection"


def test_empty_feature_collection_is_refused():
    problems = rejected(collection())
    assert [(p.field, p.message) for p in problems] == [
        ("features", "the FeatureCollection has no features")
    ]


@pytest.mark.parametrize(
    ("geometry", "kind"),
    [
        ({"type": "Point", "coordinates": [113.1, 34.5]}, "Point"),
        ({"type": "LineString", "coordinates": [[113.0, 34.4], [113.1, 34.5]]}, "LineString"),
    ],
)
def test_non_polygon_geometry_is_refused(db, geometry, kind):
    problems = rejected(collection(feature("410185", "测试县", 0, None, geometry)))
    assert where(problems) == [(1, "410185", "geometry")]
    assert problems[0].message == f"type {kind!r} is not Polygon or MultiPolygon"


def test_missing_geometry_is_refused():
    problems = rejected(collection(feature("410185", "测试县", 0, None, None)))  # type: ignore[arg-type]
    assert [(p.field, p.message) for p in problems] == [("geometry", "missing")]


@pytest.mark.parametrize("missing", ["code", "name", "level"])
def test_missing_property_is_named(db, missing):
    county = feature("410185", "测试县", 0, None, rect(113.0, 34.4, 0.4, 0.2))
    del county["properties"][missing]
    problems = rejected(collection(county))
    assert [(p.feature, p.field, p.message) for p in problems] == [(1, missing, "missing")]


def test_feature_without_properties_is_refused():
    county = {"type": "Feature", "geometry": rect(113.0, 34.4, 0.4, 0.2)}
    problems = rejected(collection(county))
    assert [(p.feature, p.field) for p in problems] == [(1, "properties")]


def test_duplicate_codes_in_the_file_are_refused():
    data = small_collection()
    data["features"].append(copy.deepcopy(data["features"][3]))
    problems = rejected(data)
    assert where(problems) == [(16, "410185001001001", "code")]
    assert problems[0].message == "duplicate code (also feature #4)"


def test_unknown_parent_is_refused():
    data = small_collection()
    data["features"][1]["properties"]["parent_code"] = "410199"
    problems = rejected(data)
    assert where(problems) == [(2, "410185001", "parent_code")]
    assert problems[0].message == "unknown parent '410199'"


def test_children_of_a_broken_parent_are_not_called_orphans():
    data = small_collection()
    data["features"][1]["geometry"] = {"type": "Point", "coordinates": [113.1, 34.5]}
    problems = rejected(data)
    assert where(problems) == [(2, "410185001", "geometry")]


def test_wrong_level_under_a_parent_is_refused(small_jurisdiction):
    data = collection(grid_feature("410185001009001", "410185001", rect(113.0, 34.4, 0.01, 0.01)))
    problems = rejected(data)
    assert where(problems) == [(1, "410185001009001", "level")]
    assert problems[0].message == "level 3 cannot sit under parent 410185001 of level 1"


def test_code_not_matching_its_level_pattern_is_refused(small_jurisdiction):
    data = collection(
        grid_feature("41018500100100X", "410185001001", rect(113.0, 34.4, 0.01, 0.01))
    )
    problems = rejected(data)
    assert where(problems) == [(1, "41018500100100X", "code")]
    assert problems[0].message == r"does not match the pattern ^\d{15}$ of level 3"


def test_code_not_extending_its_parent_code_is_refused(small_jurisdiction):
    data = collection(
        grid_feature("410185002001009", "410185001001", rect(113.0, 34.4, 0.01, 0.01))
    )
    problems = rejected(data)
    assert [(p.field, p.message) for p in problems] == [
        ("code", "does not start with its parent's code 410185001001")
    ]


def test_coordinates_outside_china_are_refused(db):
    paris = feature("410185", "测试县", 0, None, rect(2.3, 48.8, 0.1, 0.1))
    problems = rejected(collection(paris))
    assert where(problems) == [(1, "410185", "geometry")]
    assert problems[0].message == (
        "coordinate (2.3, 48.8) is outside China's bounds (projected or wrong CRS?)"
    )


def test_swapped_latitude_and_longitude_are_recognised(db):
    swapped = feature("410185", "测试县", 0, None, rect(34.4, 113.0, 0.2, 0.4))
    problems = rejected(collection(swapped))
    assert where(problems) == [(1, "410185", "geometry")]
    assert problems[0].message == (
        "coordinate (34.4, 113.0) looks like [latitude, longitude]; GeoJSON is [lon, lat]"
    )


@pytest.mark.parametrize("where_given", ["argument", "header"])
def test_unknown_crs_name_is_refused(db, where_given):
    data = small_collection()
    kwargs: dict[str, Any] = {}
    if where_given == "argument":
        kwargs["crs"] = "epsg:3857"
    else:
        data["firegrid"] = {**SMALL_HEADER, "crs": "epsg:3857"}
    problems = rejected(data, **kwargs)
    assert [(p.feature, p.field, p.message) for p in problems] == [
        (None, "crs", "unknown CRS 'epsg:3857'; use one of wgs84, gcj02, bd09")
    ]


def test_self_intersecting_polygon_is_refused_with_its_location_in_file_coordinates(db):
    problems = rejected(collection(feature("410185", "测试县", 0, None, BOWTIE)), crs="gcj02")
    assert where(problems) == [(1, "410185", "geometry")]
    assert problems[0].message == "invalid polygon: self-intersection at (113.025, 34.425)"


def test_child_outside_its_parent_is_refused(db):
    data = small_collection()
    data["features"][4]["geometry"] = rect(113.1, 34.4, 0.12, 0.1)  # 2 km into street 2
    problems = rejected(data)
    assert where(problems) == [(5, "410185001001002", "geometry")]
    assert " m² lies outside parent 410185001001, around (113.2" in problems[0].message


def test_child_outside_its_parent_within_tolerance_is_accepted(small_jurisdiction, settings):
    settings.FIREGRID_CONTAINMENT_TOLERANCE_M2 = 20_000
    settings.FIREGRID_OVERLAP_TOLERANCE_M2 = 20_000
    corner = rect(113.199, 34.45, 0.0015, 0.001)  # ~5,000 m² beyond the community's east edge
    result = grids_import(
        collection=collection(grid_feature("410185001001003", "410185001001", corner)), actor=None
    )
    assert (result.created, result.updated) == (1, 0)


@pytest.mark.parametrize("crs", ["gcj02", "bd09"])
def test_file_whose_corners_sit_on_parent_edges_converts_without_slivers(db, crs):
    """Straight GCJ-02/BD-09 edges bend in WGS-84 (by metres over 20 km): without densifying,
    a child corner on its parent's long edge would stick out by a sliver."""
    result = grids_import(collection=small_collection(), actor=None, crs=crs)
    assert (result.created, result.warnings) == (15, [])
    again = grids_import(collection=small_collection(), actor=None, crs=crs)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 15)


def test_overlapping_siblings_are_refused(db):
    data = small_collection()
    data["features"][4]["geometry"] = rect(113.05, 34.4, 0.15, 0.1)  # grid 2 reaches into grid 1
    problems = rejected(data)
    assert where(problems) == [(5, "410185001001002", "geometry")]
    assert problems[0].message.startswith("overlaps sibling 410185001001001 by ")


def test_a_gap_in_the_parent_is_a_warning_and_the_import_goes_ahead(db):
    data = small_collection()
    del data["features"][4]  # community 410185001001 keeps only its first grid
    result = grids_import(collection=data, actor=None)
    assert (result.created, result.updated, result.unchanged) == (14, 0, 0)
    assert where(result.warnings) == [(3, "410185001001", "geometry")]
    assert "is not covered by its 1 child grid(s), around (113.1" in result.warnings[0].message
    assert Grid.objects.count() == 14


def test_dry_run_counts_and_writes_nothing(small_jurisdiction):
    data = small_collection()
    data["features"][3]["properties"]["name"] = "新名字"
    result = grids_import(collection=data, actor=None, dry_run=True)
    assert (result.dry_run, result.created, result.updated, result.unchanged) == (True, 0, 1, 14)
    assert Grid.objects.get(code="410185001001001").name == "网格1-1-1"


def test_dry_run_on_an_empty_database_counts_every_grid_as_new(db):
    result = grids_import(collection=small_collection(), actor=None, dry_run=True)
    assert (result.created, result.updated, result.unchanged) == (15, 0, 0)
    assert Grid.objects.count() == 0


# --------------------------------------------------------- re-import and updates


def test_reimporting_the_same_file_changes_nothing(small_jurisdiction):
    stamps = dict(Grid.objects.values_list("code", "updated_at"))
    result = grids_import(collection=small_collection(), actor=None)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 15)
    assert dict(Grid.objects.values_list("code", "updated_at")) == stamps


def test_changing_one_name_updates_exactly_that_grid(small_jurisdiction):
    data = small_collection()
    data["features"][3]["properties"]["name"] = "养育巷网格"
    result = grids_import(collection=data, actor=None)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 14)
    assert Grid.objects.get(code="410185001001001").name == "养育巷网格"


REPARENT_HEADER = {
    **SMALL_HEADER,
    "jurisdiction": {"code": "410185", "name": "测试县", "codes_extend_parent": False},
}


def reparent_collection(*, moved: bool) -> dict[str, Any]:
    """Street 1 grows east over community C2, which moves from street 2 to street 1."""
    east = 0.3 if moved else 0.2
    return collection(
        feature("410185", "测试县", 0, None, rect(113.0, 34.4, 0.4, 0.2)),
        feature("410185001", "街道1", 1, "410185", rect(113.0, 34.4, east, 0.2)),
        feature("410185002", "街道2", 1, "410185", rect(113.0 + east, 34.4, 0.4 - east, 0.2)),
        feature("410185001001", "C1", 2, "410185001", rect(113.0, 34.4, 0.2, 0.2)),
        feature(
            "410185002001",
            "C2",
            2,
            "410185001" if moved else "410185002",
            rect(113.2, 34.4, 0.1, 0.2),
        ),
        feature("410185002002", "C3", 2, "410185002", rect(113.3, 34.4, 0.1, 0.2)),
        feature("410185002001001", "G1", 3, "410185002001", rect(113.2, 34.4, 0.1, 0.1)),
        feature("410185002001002", "G2", 3, "410185002001", rect(113.2, 34.5, 0.1, 0.1)),
        header=REPARENT_HEADER,
    )


def test_reparenting_rebuilds_paths_neighbours_and_the_locator(db):
    grids_import(collection=reparent_collection(moved=False), actor=None)
    assert get_locator().chain(113.25, 34.45)[1] == Grid.objects.get(code="410185002").pk

    result = grids_import(collection=reparent_collection(moved=True), actor=None)

    assert (result.created, result.updated, result.unchanged) == (0, 3, 5)
    by_code = {g.code: g for g in Grid.objects.all()}
    root, s1, c2, g1 = (
        by_code[c] for c in ("410185", "410185001", "410185002001", "410185002001001")
    )
    assert c2.parent_id == s1.pk
    assert c2.path == f"/{root.pk}/{s1.pk}/{c2.pk}/"
    assert g1.path == f"/{root.pk}/{s1.pk}/{c2.pk}/{g1.pk}/"
    assert (c2.depth, g1.depth) == (2, 3)
    assert sorted(g.code for g in c2.neighbours.all()) == ["410185001001", "410185002002"]
    assert sorted(g.code for g in s1.neighbours.all()) == ["410185002"]
    assert list(get_locator().chain(113.25, 34.45)) == [root.pk, s1.pk, c2.pk, g1.pk]


def test_import_writes_one_audit_event_with_the_counts(small_jurisdiction):
    data = small_collection()
    data["features"][3]["properties"]["name"] = "养育巷网格"
    grids_import(collection=data, actor=None)
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None
    assert (event.action, event.object_type) == ("grids.import", "grids.jurisdiction")
    assert event.data == {
        "created": 0,
        "updated": 1,
        "unchanged": 14,
        "crs": "wgs84",
        "warnings": 0,
    }
    assert AuditEvent.objects.filter(action="grids.import").count() == 2


def test_import_bumps_the_grid_version_and_the_locator_finds_new_grids(db):
    before = current_grid_version()
    assert get_locator().locate(113.05, 34.45) is None

    grids_import(collection=small_collection(), actor=None)

    assert current_grid_version() > before
    assert get_locator().locate(113.05, 34.45) == Grid.objects.get(code="410185001001001").pk


def test_rejected_import_leaves_the_grid_version_alone(small_jurisdiction):
    before = current_grid_version()
    rejected(
        collection(grid_feature("410185009001001", "410185009001", rect(113.3, 34.45, 0.05, 0.05)))
    )
    assert current_grid_version() == before


def test_small_jurisdiction_imports_with_paths_depths_and_neighbours(small_jurisdiction):
    assert Grid.objects.count() == 15
    root = small_jurisdiction["410185"]
    street = small_jurisdiction["410185001"]
    community = small_jurisdiction["410185001001"]
    leaf = small_jurisdiction["410185001001001"]
    assert (root.path, root.depth) == (f"/{root.pk}/", 0)
    assert (leaf.path, leaf.depth) == (f"/{root.pk}/{street.pk}/{community.pk}/{leaf.pk}/", 3)
    assert sorted(g.code for g in leaf.neighbours.all()) == ["410185001001002", "410185001002001"]
    # Touching at a single corner is not adjacency.
    assert "410185001002002" not in {g.code for g in leaf.neighbours.all()}


def test_a_user_who_does_not_manage_the_jurisdiction_cannot_import_and_nothing_changes(
    small_jurisdiction, make_user
):
    worker = make_user("parttime_worker", small_jurisdiction["410185001001001"])
    collection = small_collection()
    collection["features"][0]["properties"]["name"] = "改名的县"
    audit_before = AuditEvent.objects.count()

    with pytest.raises(PermissionDenied) as refused:
        grids_import(collection=collection, actor=worker)

    assert refused.value.code == "not_manager"
    assert Grid.objects.get(code="410185").name == "测试县"
    assert AuditEvent.objects.count() == audit_before


def test_the_county_office_may_import_into_its_own_jurisdiction(small_jurisdiction, make_user):
    office = make_user("county_office", small_jurisdiction["410185"])
    collection = small_collection()
    collection["features"][0]["properties"]["name"] = "改名的县"

    result = grids_import(collection=collection, actor=office)

    assert (result.created, result.updated) == (0, 1)
    assert Grid.objects.get(code="410185").name == "改名的县"


def test_an_unchanged_reimport_leaves_the_grid_version_alone(small_jurisdiction):
    before = current_grid_version()

    result = grids_import(collection=small_collection(), actor=None)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 15)
    assert current_grid_version() == before
