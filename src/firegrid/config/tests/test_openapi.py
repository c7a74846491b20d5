"""The generated OpenAPI document must match the committed snapshot (docs/openapi.json)."""

from __future__ import annotations

import difflib
import json

from firegrid.config.openapi_snapshot import REGENERATE_HINT, SNAPSHOT_PATH, current


def test_openapi_document_matches_the_committed_snapshot() -> None:
    committed = SNAPSHOT_PATH.read_text(encoding="utf-8")
    generated = current()

    if generated != committed:
        diff = "".join(
            difflib.unified_diff(
                committed.splitlines(keepends=True),
                generated.splitlines(keepends=True),
                fromfile="docs/openapi.json (committed)",
                tofile="generated from firegrid.config.api",
            )
        )
        raise AssertionError(
            f"The API changed. If that is intended, run `{REGENERATE_HINT}` and commit "
            f"docs/openapi.json.\n{diff}"
        )


def test_snapshot_documents_every_endpoint_and_the_error_envelope() -> None:
    schema = json.loads(SNAPSHOT_PATH.read_text(encoding="utf-8"))

    assert sorted(schema["paths"]) == [
        "/api/v1/assignments",
        "/api/v1/assignments/{assignment_id}/end",
        "/api/v1/buildings",
        "/api/v1/buildings/{building_id}",
        "/api/v1/fire-resources",
        "/api/v1/fire-resources/{resource_id}",
        "/api/v1/fire-resources/{resource_id}/equipment",
        "/api/v1/fire-resources/{resource_id}/members",
        "/api/v1/grids",
        "/api/v1/grids/geojson",
        "/api/v1/grids/import",
        "/api/v1/grids/locate",
        "/api/v1/grids/tree",
        "/api/v1/grids/{grid_id}",
        "/api/v1/grids/{grid_id}/geojson",
        "/api/v1/grids/{grid_id}/neighbours",
        "/api/v1/hazards",
        "/api/v1/hazards/bulk-steps",
        "/api/v1/hazards/categories",
        "/api/v1/hazards/export.csv",
        "/api/v1/hazards/export.xlsx",
        "/api/v1/hazards/geojson",
        "/api/v1/hazards/mine",
        "/api/v1/hazards/{hazard_id}",
        "/api/v1/hazards/{hazard_id}/notices",
        "/api/v1/hazards/{hazard_id}/steps",
        "/api/v1/households",
        "/api/v1/households/{household_id}",
        "/api/v1/inspections",
        "/api/v1/inspections/behind",
        "/api/v1/inspections/check",
        "/api/v1/inspections/checklists",
        "/api/v1/inspections/checklists/{template_id}",
        "/api/v1/inspections/coverage",
        "/api/v1/inspections/never-inspected",
        "/api/v1/inspections/patrols",
        "/api/v1/inspections/patrols/{patrol_id}",
        "/api/v1/inspections/rules",
        "/api/v1/inspections/rules/{rule_id}",
        "/api/v1/inspections/staffing",
        "/api/v1/inspections/tasks",
        "/api/v1/inspections/tasks/mine",
        "/api/v1/inspections/tasks/{task_id}",
        "/api/v1/inspections/tasks/{task_id}/cancel",
        "/api/v1/inspections/tasks/{task_id}/reassign",
        "/api/v1/inspections/tasks/{task_id}/start",
        "/api/v1/inspections/{inspection_id}",
        "/api/v1/jurisdictions/{code}/export",
        "/api/v1/ledgers/export/{kind}.xlsx",
        "/api/v1/ledgers/imports",
        "/api/v1/ledgers/imports/{import_id}",
        "/api/v1/ledgers/imports/{import_id}/errors.xlsx",
        "/api/v1/ledgers/templates/{kind}.xlsx",
        "/api/v1/major-determinations/{determination_id}",
        "/api/v1/major-determinations/{determination_id}/confirm",
        "/api/v1/metrics",
        "/api/v1/metrics/table",
        "/api/v1/metrics/{code}/records",
        "/api/v1/metrics/{code}/trend",
        "/api/v1/notices/{notice_id}",
        "/api/v1/notices/{notice_id}/docx",
        "/api/v1/notices/{notice_id}/pdf",
        "/api/v1/notices/{notice_id}/receipt",
        "/api/v1/notifications",
        "/api/v1/notifications/read",
        "/api/v1/notifications/read-all",
        "/api/v1/notifications/unread-count",
        "/api/v1/people",
        "/api/v1/people/{person_id}",
        "/api/v1/people/{person_id}/photo",
        "/api/v1/places",
        "/api/v1/places.geojson",
        "/api/v1/places/{place_id}",
        "/api/v1/places/{place_id}/checklist",
        "/api/v1/places/{place_id}/classification",
        "/api/v1/places/{place_id}/grid",
        "/api/v1/places/{place_id}/history",
        "/api/v1/places/{place_id}/major-determinations",
        "/api/v1/registry/duplicates",
        "/api/v1/registry/duplicates/{candidate_id}/dismiss",
        "/api/v1/registry/duplicates/{candidate_id}/merge",
        "/api/v1/registry/place-types",
        "/api/v1/registry/rules",
        "/api/v1/report-photos/{photo_id}/redact",
        "/api/v1/reports",
        "/api/v1/reports/{report_id}",
        "/api/v1/reports/{report_id}/block-sender",
        "/api/v1/reports/{report_id}/close",
        "/api/v1/reports/{report_id}/confirm",
        "/api/v1/reports/{report_id}/hide",
        "/api/v1/residents",
        "/api/v1/residents/{resident_id}",
        "/api/v1/residents/{resident_id}/reveal",
        "/api/v1/roles",
    ]
    assert "ErrorOut" in schema["components"]["schemas"]
    assert sorted(schema["components"]["securitySchemes"]) == ["BrowserSessionAuth", "TokenAuth"]
