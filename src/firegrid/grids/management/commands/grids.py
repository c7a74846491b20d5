"""`firegrid grids import|export|convert-datav`: grid boundaries in and out as GeoJSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from firegrid.core.coords import CRS_CHOICES
from firegrid.grids.datav import DataVError, datav_to_import
from firegrid.grids.geometry import convert_boundary
from firegrid.grids.importing import ImportRejected, read_collection
from firegrid.grids.models import Jurisdiction
from firegrid.grids.selectors import jurisdiction_export
from firegrid.grids.services import ImportResult, grids_import


class Command(BaseCommand):
    help = "Import, export or convert grid boundaries (GeoJSON FeatureCollections)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        add = actions.add_parser("import", help="check a file and import all of it or nothing")
        add.add_argument(
            "file", help="GeoJSON FeatureCollection (properties code, name, level, parent_code)"
        )
        add.add_argument(
            "--crs", choices=CRS_CHOICES, help="datum of the file (default: its header)"
        )
        add.add_argument("--jurisdiction", help="jurisdiction code (default: the file's header)")
        add.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        out = actions.add_parser("export", help="write a jurisdiction's grids as GeoJSON")
        out.add_argument("--jurisdiction", help="jurisdiction code (needed when there are several)")
        out.add_argument("--crs", choices=CRS_CHOICES, default="wgs84", help="datum to write")
        out.add_argument("-o", "--output", help="file to write (default: standard output)")
        datav = actions.add_parser("convert-datav", help="DataV.GeoAtlas boundaries → import file")
        datav.add_argument("file", help="DataV.GeoAtlas FeatureCollection (GCJ-02)")
        datav.add_argument("-o", "--output", required=True, help="import file to write")
        datav.add_argument("--code", required=True, help="adcode of the area, e.g. 410100")
        datav.add_argument("--name", required=True, help="name of the area, e.g. 郑州市")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "import":
            self.import_file(options)
        elif action == "export":
            self.export(options)
        else:
            self.convert_datav(options)

    def import_file(self, options: dict[str, Any]) -> None:
        try:
            collection = read_collection(read_bytes(options["file"]))
            result = grids_import(
                collection=collection,
                actor=None,
                crs=options["crs"],
                jurisdiction_code=options["jurisdiction"],
                dry_run=options["dry_run"],
            )
        except ImportRejected as rejected:
            for problem in rejected.plan.errors:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(rejected.plan.errors)} problem(s) found; nothing was imported"
            ) from rejected
        self.report(result)

    def report(self, result: ImportResult) -> None:
        counts = f"created {result.created}, updated {result.updated}, unchanged {result.unchanged}"
        if result.dry_run:
            self.stdout.write(f"dry run, nothing was written: would have {counts}")
        else:
            assert result.jurisdiction is not None
            where = f"{result.jurisdiction.code} {result.jurisdiction.name}"
            self.stdout.write(self.style.SUCCESS(f"{counts} (jurisdiction {where})"))
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(f"warning: {warning}"))

    def export(self, options: dict[str, Any]) -> None:
        jurisdiction = pick_jurisdiction(options["jurisdiction"])
        text = dump_collection(export_collection(jurisdiction, crs=options["crs"]))
        if options["output"]:
            write_text(options["output"], text)
            self.stderr.write(f"wrote {jurisdiction.grids.count()} grids to {options['output']}")
        else:
            self.stdout.write(text, ending="")

    def convert_datav(self, options: dict[str, Any]) -> None:
        try:
            source = json.loads(read_bytes(options["file"]).decode("utf-8-sig"))
            converted = datav_to_import(source, code=options["code"], name=options["name"])
        except (UnicodeDecodeError, json.JSONDecodeError, DataVError) as exc:
            raise CommandError(f"{options['file']}: {exc}") from exc
        write_text(options["output"], dump_collection(converted))
        districts = len(converted["features"]) - 1
        self.stdout.write(
            f"wrote {options['name']} and {districts} districts to {options['output']}"
        )


def export_collection(jurisdiction: Jurisdiction, *, crs: str) -> dict[str, Any]:
    """The export in `crs`, with edges densified so borders still meet after the conversion."""
    collection = jurisdiction_export(jurisdiction, crs="wgs84")
    collection["firegrid"]["crs"] = crs
    for feature in collection["features"]:
        feature["geometry"] = convert_boundary(feature["geometry"], "wgs84", crs)
    return collection


def read_bytes(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(name).read_bytes()
    except OSError as exc:
        raise CommandError(f"cannot read {name}: {exc.strerror}") from exc


def write_text(name: str, text: str) -> None:
    try:
        Path(name).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"cannot write {name}: {exc.strerror}") from exc


def pick_jurisdiction(code: str | None) -> Jurisdiction:
    if code:
        found = Jurisdiction.objects.filter(code=code).first()
        if found is None:
            raise CommandError(f"no jurisdiction with code {code}")
        return found
    every = list(Jurisdiction.objects.order_by("code"))
    if len(every) != 1:
        known = ", ".join(j.code for j in every) or "none yet"
        raise CommandError(f"name the jurisdiction with --jurisdiction (known: {known})")
    return every[0]


def dump_collection(collection: dict[str, Any]) -> str:
    """JSON with one feature per line: readable, and a diff shows which grids changed."""
    head = {key: value for key, value in collection.items() if key != "features"}
    lines = [json.dumps(feature, ensure_ascii=False) for feature in collection["features"]]
    opening = json.dumps(head, ensure_ascii=False)[:-1]
    return opening + ', "features": [\n' + ",\n".join(lines) + "\n]}\n"
