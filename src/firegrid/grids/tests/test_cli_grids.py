"""`firegrid grids import|export`: one problem per line, nothing written, exact round trip."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from firegrid.conftest import SMALL_HEADER, feature, rect, small_collection
from firegrid.grids.models import Grid

pytestmark = pytest.mark.django_db

BOWTIE = {
    "type": "Polygon",
    "coordinates": [
        [[113.01, 34.41], [113.04, 34.44], [113.04, 34.41], [113.01, 34.44], [113.01, 34.41]]
    ],
}


def write(path: Path, data: Any) -> str:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("grids", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_lists_all_three_problems_and_writes_nothing(small_jurisdiction, tmp_path):
    path = write(
        tmp_path / "bad.geojson",
        {
            "type": "FeatureCollection",
            "firegrid": SMALL_HEADER,
            "features": [
                feature("410185001001003", "网格3", 3, "410185001001", BOWTIE),
                feature(
                    "410185001001004", "网格4", 3, "410185001001", rect(113.02, 34.42, 0.05, 0.05)
                ),
                feature(
                    "410185009001001", "网格5", 3, "410185009001", rect(113.3, 34.45, 0.05, 0.05)
                ),
            ],
        },
    )
    err = io.StringIO()

    with pytest.raises(CommandError) as caught:
        call_command("grids", "import", path, stdout=io.StringIO(), stderr=err)

    assert str(caught.value) == "3 problem(s) found; nothing was imported"
    lines = err.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[0] == (
        "feature #1 (code 410185001001003), geometry: "
        "invalid polygon: self-intersection at (113.025, 34.425)"
    )
    assert lines[1].startswith(
        "feature #2 (code 410185001001004), geometry: overlaps sibling 410185001001001 by "
    )
    assert (
        lines[2] == "feature #3 (code 410185009001001), parent_code: unknown parent '410185009001'"
    )
    assert Grid.objects.count() == 15


def test_import_of_malformed_json_names_the_position(db, tmp_path):
    path = tmp_path / "broken.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("grids", "import", str(path), stdout=io.StringIO(), stderr=err)
    assert err.getvalue().startswith("file, json: malformed JSON at line 1, column 44: ")


def test_import_of_a_missing_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match=r"cannot read .*nothing-here\.geojson: No such file"):
        run("import", str(tmp_path / "nothing-here.geojson"))


def test_import_prints_counts_and_each_warning(db, tmp_path):
    data = small_collection()
    del data["features"][4]
    out, _err = run("import", write(tmp_path / "gap.geojson", data))
    lines = out.splitlines()
    assert lines[0] == "created 14, updated 0, unchanged 0 (jurisdiction 410185 测试县)"
    assert lines[1].startswith("warning: feature #3 (code 410185001001), geometry: ")
    assert len(lines) == 2


def test_dry_run_reports_and_writes_nothing(db, tmp_path):
    out, _err = run("import", write(tmp_path / "small.geojson", small_collection()), "--dry-run")
    assert out == "dry run, nothing was written: would have created 15, updated 0, unchanged 0\n"
    assert Grid.objects.count() == 0


@pytest.mark.parametrize("crs", ["wgs84", "gcj02", "bd09"])
def test_export_then_import_is_unchanged(small_jurisdiction, tmp_path, crs):
    exported = tmp_path / f"export-{crs}.geojson"
    run("export", "--crs", crs, "-o", str(exported))

    out, _err = run("import", str(exported))

    assert out == "created 0, updated 0, unchanged 15 (jurisdiction 410185 测试县)\n"
    assert json.loads(exported.read_text(encoding="utf-8"))["firegrid"]["crs"] == crs


def test_export_writes_to_stdout_by_default(small_jurisdiction):
    out, _err = run("export")
    data = json.loads(out)
    assert data["type"] == "FeatureCollection"
    assert [f["properties"]["code"] for f in data["features"]][:2] == ["410185", "410185001"]
    assert len(data["features"]) == 15
    assert data["features"][0]["geometry"] == small_jurisdiction["410185"].boundary


def test_export_needs_a_jurisdiction_when_there_are_several(small_jurisdiction, tmp_path):
    other = {
        "type": "FeatureCollection",
        "firegrid": {**SMALL_HEADER, "jurisdiction": {"code": "410186", "name": "另一县"}},
        "features": [feature("410186", "另一县", 0, None, rect(114.0, 34.4, 0.1, 0.1))],
    }
    run("import", write(tmp_path / "other.geojson", other))
    with pytest.raises(CommandError, match=r"--jurisdiction \(known: 410185, 410186\)"):
        run("export")
    out, _err = run("export", "--jurisdiction", "410186")
    assert [f["properties"]["code"] for f in json.loads(out)["features"]] == ["410186"]


def test_unknown_crs_option_is_refused(small_jurisdiction):
    with pytest.raises(CommandError, match="invalid choice: 'utm'"):
        run("export", "--crs", "utm")


def test_convert_datav_refuses_a_file_that_is_not_datav(tmp_path):
    source = write(tmp_path / "not-datav.json", {"type": "Feature"})
    with pytest.raises(CommandError, match="not a GeoJSON FeatureCollection"):
        run(
            "convert-datav",
            source,
            "-o",
            str(tmp_path / "out.json"),
            "--code",
            "410100",
            "--name",
            "郑州市",
        )
    assert not (tmp_path / "out.json").exists()
