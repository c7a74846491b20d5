"""The residents ledger (居民台账): template, checks, personal data, round trip, export rights,
and the page/API/CLI paths of the kind."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import translation

from firegrid.core import pii
from firegrid.core.audit import audit_verify
from firegrid.core.models import AuditEvent
from firegrid.registry.ledger import RESIDENTS, ledger_export, ledger_import_file, ledger_template
from firegrid.registry.models import Building, Household, LedgerImport, Resident

COUNTY = "410185"
COMMUNITY = "410185001001"
GRID_A = "410185001001001"
GRID_B = "410185001001002"
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(serial: int, born: str = "19800101") -> str:
    """A valid GB 11643 ID number (correct check digit)."""
    body = f"410185{born}{serial:03d}"
    total = sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _english_pages(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def buildings(small_jurisdiction) -> dict[str, Building]:
    made = {}
    for name, code, lon in (("1号楼", GRID_A, 113.05), ("2号楼", GRID_B, 113.15)):
        grid = small_jurisdiction[code]
        made[name] = Building.objects.create(
            name=name, address=f"嵩阳路{name}", lon=lon, lat=34.45, grid=grid, grid_path=grid.path
        )
    return made


@pytest.fixture
def office(small_jurisdiction, make_user):
    return make_user("county_office", small_jurisdiction[COUNTY])


def xlsx(rows: list[dict[str, Any]]) -> io.BytesIO:
    columns = [col for col in RESIDENTS.columns if not col.read_only]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([col.title for col in columns])
    for row in rows:
        sheet.append([row.get(col.field) for col in columns])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def person(i: int, **changes: Any) -> dict[str, Any]:
    return {
        "building": "1号楼",
        "unit": "1单元",
        "room": f"{100 + i // 2}",
        "size": 2,
        "is_rental": "否",
        "name": f"居民{i}",
        "id_number": id_number(i),
        "phone": f"１３９ ００００ {1000 + i}",
        "lives_alone_elderly": "否",
        "disabled": "否",
        "left_behind_child": "否",
        "key_person": "否",
        "limited_mobility": "是" if i == 0 else "否",
        **changes,
    }


def test_template_has_the_headers_and_the_yes_no_drop_downs():
    book = openpyxl.load_workbook(io.BytesIO(ledger_template("residents")))
    assert book.sheetnames == ["居民", "选项"]
    sheet = book["居民"]
    assert [c.value for c in sheet[1]] == [
        "住户系统编号",
        "居民系统编号",
        "所属网格编码",
        "楼栋",
        "单元",
        "房号",
        "住户地址",
        "户人数",
        "出租屋",
        "房东",
        "房东电话",
        "姓名*",
        "身份证号",
        "联系电话",
        "出生年份",
        "独居老人",
        "残疾",
        "留守儿童",
        "重点人口",
        "行动不便",
        "备注",
        "所属网格（只读）",
    ]
    validations = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert validations == {
        "I2:I1048576": "'选项'!$A$2:$A$3",
        "P2:P1048576": "'选项'!$B$2:$B$3",
        "Q2:Q1048576": "'选项'!$C$2:$C$3",
        "R2:R1048576": "'选项'!$D$2:$D$3",
        "S2:S1048576": "'选项'!$E$2:$E$3",
        "T2:T1048576": "'选项'!$F$2:$F$3",
    }
    lists = book["选项"]
    assert [[c.value for c in row] for row in lists.iter_rows()] == [
        ["出租屋", "独居老人", "残疾", "留守儿童", "重点人口", "行动不便"],
        ["是"] * 6,
        ["否"] * 6,
    ]


def test_clean_import_creates_households_and_encrypted_residents(office, buildings):
    rows = [person(0), person(1), person(2, is_rental="是", landlord_name="王房东")]
    rows[2]["landlord_phone"] = "0371-6512345"
    rows.append(
        {
            "grid_code": GRID_B,
            "address": "告成镇村东3号",
            "name": "独居老人甲",
            "id_number": id_number(9, "19400101"),
            "lives_alone_elderly": "是",
        }
    )
    outcome = ledger_import_file(actor=office, kind="residents", file=xlsx(rows))
    assert outcome.errors == []
    assert outcome.result == {
        "created": 4,
        "updated": 0,
        "unchanged": 0,
        "households_created": 3,
        "households_updated": 0,
        "dry_run": False,
    }
    first = Household.objects.get(building=buildings["1号楼"], room="100")
    assert (first.grid.code, first.size, first.unit) == (GRID_A, 2, "1单元")
    assert sorted(first.residents.values_list("name", flat=True)) == ["居民0", "居民1"]
    rental = Household.objects.get(room="101")
    assert (rental.is_rental, rental.landlord_name, rental.landlord_phone) == (
        True,
        "王房东",
        "0371-6512345",
    )
    village = Household.objects.get(building__isnull=True)
    assert (village.grid.code, village.address) == (GRID_B, "告成镇村东3号")
    elder = Resident.objects.get(name="独居老人甲")
    assert (elder.lives_alone_elderly, elder.birth_year, elder.grid.code) == (True, 1940, GRID_B)
    zero = Resident.objects.get(name="居民0")
    assert zero.limited_mobility is True
    assert zero.id_number_masked == pii.mask_id_number(id_number(0))
    assert zero.phone_masked == "139****1000"
    assert pii.decrypt(zero.id_number_encrypted) == id_number(0)
    assert pii.decrypt(zero.phone_encrypted) == "13900001000"
    assert zero.id_number_digest == pii.digest(id_number(0))
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM registry_resident")
        dump = repr(cursor.fetchall())
    for i in (0, 1, 2):
        assert id_number(i) not in dump
    assert "13900001000" not in dump
    events = AuditEvent.objects.filter(action__in=["resident.create", "household.create"])
    assert events.count() == 7
    logged = repr(list(AuditEvent.objects.values_list("data", flat=True)))
    assert id_number(0) not in logged and "13900001000" not in logged
    assert audit_verify().ok


def test_bad_rows_write_nothing_and_are_listed_with_masked_values(office, buildings):
    bad_check_digit = id_number(3)[:-1] + ("0" if id_number(3)[-1] != "0" else "1")
    rows = [
        person(0),
        person(1, id_number=bad_check_digit),
        person(2, id_number=id_number(0)),  # the same ID number as row 2
        person(3, phone="1390000abc"),
        person(4, building="99号楼"),
        person(5, disabled="可能"),
        person(6, name=""),
        person(7, building="88号楼", id_number="123"),
    ]
    outcome = ledger_import_file(actor=office, kind="residents", file=xlsx(rows))
    assert outcome.status == LedgerImport.Status.REJECTED
    assert [(e["row"], e["column"], e["value"], e["reason"]) for e in outcome.errors] == [
        (
            3,
            "身份证号",
            pii.mask_id_number(bad_check_digit),
            "Not a valid ID number (18 characters with a correct check digit).",
        ),
        (
            4,
            "身份证号",
            pii.mask_id_number(id_number(0)),
            "The same ID number is already in row 2.",
        ),
        (5, "联系电话", "139***0abc", "Not a valid phone number."),
        (
            6,
            "楼栋",
            "99号楼",
            "Unknown building: no building in your area has this name or address.",
        ),
        (7, "残疾", "可能", "Write 是 or 否."),
        (8, "姓名", "", "Required."),
        (
            9,
            "楼栋",
            "88号楼",
            "Unknown building: no building in your area has this name or address.",
        ),
        (
            9,
            "身份证号",
            "***",
            "Not a valid ID number (18 characters with a correct check digit).",
        ),
    ]
    stored = repr(outcome.errors)
    assert bad_check_digit not in stored and id_number(0) not in stored
    assert (Household.objects.count(), Resident.objects.count()) == (0, 0)


def test_an_id_number_already_registered_for_another_resident_is_refused(office, buildings):
    ledger_import_file(actor=office, kind="residents", file=xlsx([person(0)]))
    again = person(7, room="300", id_number=id_number(0))
    outcome = ledger_import_file(actor=office, kind="residents", file=xlsx([again]))
    assert [(e["row"], e["column"], e["value"], e["reason"]) for e in outcome.errors] == [
        (
            2,
            "身份证号",
            pii.mask_id_number(id_number(0)),
            "This ID number is already registered for another resident.",
        )
    ]
    assert Resident.objects.count() == 1


def test_grid_outside_the_edit_scope_and_non_leaf_grids_are_refused(
    small_jurisdiction, make_user, buildings
):
    worker = make_user("parttime_worker", small_jurisdiction[GRID_A])
    rows = [
        person(0),
        person(1, building="2号楼"),
        {"grid_code": COMMUNITY, "address": "某路1号", "name": "甲"},
        {"grid_code": GRID_B, "address": "某路2号", "name": "乙"},
    ]
    outcome = ledger_import_file(actor=worker, kind="residents", file=xlsx(rows))
    grid_b = small_jurisdiction[GRID_B].name
    community = small_jurisdiction[COMMUNITY].name
    assert [(e["row"], e["column"], e["reason"]) for e in outcome.errors] == [
        (3, "楼栋", "Unknown building: no building in your area has this name or address."),
        (4, "所属网格编码", f"A household belongs to a leaf grid, not to {community}."),
        (5, "所属网格编码", f"The grid {grid_b} is outside your area."),
    ]
    assert Resident.objects.count() == 0


def test_export_is_masked_and_a_re_import_changes_nothing(office, buildings):
    rows = [person(i) for i in range(4)]
    rows[3]["phone"] = None
    ledger_import_file(actor=office, kind="residents", file=xlsx(rows))
    data = ledger_export(office, "residents", {})
    sheet = openpyxl.load_workbook(io.BytesIO(data))["居民"]
    exported = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[11], r[12], r[13]) for r in exported] == [
        ("居民0", pii.mask_id_number(id_number(0)), "139****1000"),
        ("居民1", pii.mask_id_number(id_number(1)), "139****1001"),
        ("居民2", pii.mask_id_number(id_number(2)), "139****1002"),
        ("居民3", pii.mask_id_number(id_number(3)), None),
    ]
    events = AuditEvent.objects.count()
    again = ledger_import_file(actor=office, kind="residents", file=io.BytesIO(data))
    assert again.errors == []
    assert again.result == {
        "created": 0,
        "updated": 0,
        "unchanged": 4,
        "households_created": 0,
        "households_updated": 0,
        "dry_run": False,
    }
    assert AuditEvent.objects.count() == events
    assert pii.decrypt(Resident.objects.get(name="居民1").id_number_encrypted) == id_number(1)


def test_edited_rows_update_with_masked_history(office, buildings):
    ledger_import_file(actor=office, kind="residents", file=xlsx([person(0)]))
    resident = Resident.objects.get()
    row = person(0, id=resident.pk, household_id=resident.household_id, size=3)
    row.update(phone="13800002222", id_number=pii.mask_id_number(id_number(0)), key_person="是")
    outcome = ledger_import_file(actor=office, kind="residents", file=xlsx([row]))
    assert (outcome.result["updated"], outcome.result["households_updated"]) == (1, 1)
    resident.refresh_from_db()
    assert pii.decrypt(resident.phone_encrypted) == "13800002222"
    assert pii.decrypt(resident.id_number_encrypted) == id_number(0)
    event = AuditEvent.objects.get(action="resident.update")
    assert event.data["changes"] == {
        "key_person": [False, True],
        "phone": ["139****1000", "138****2222"],
    }
    assert AuditEvent.objects.get(action="household.update").data["changes"] == {"size": [2, 3]}
    # Blank ID number and phone cells keep the stored values (a list typed without them).
    row.update(id_number=None, phone=None)
    again = ledger_import_file(actor=office, kind="residents", file=xlsx([row]))
    assert (again.result["updated"], again.result["unchanged"]) == (0, 1)
    resident.refresh_from_db()
    assert (resident.id_number_masked, resident.phone_masked) == (
        pii.mask_id_number(id_number(0)),
        "138****2222",
    )


def test_demo_residents_round_trip_reports_zero_changes(db):
    from django.contrib.auth import get_user_model

    from firegrid.grids.demo.load import demo_load

    demo_load()
    count = Resident.objects.count()
    assert count > 1000
    system = get_user_model()(is_superuser=True, is_active=True)
    data = ledger_export(system, "residents", {})
    outcome = ledger_import_file(actor=None, kind="residents", file=io.BytesIO(data))
    assert outcome.errors == []
    assert (outcome.result["created"], outcome.result["updated"]) == (0, 0)
    assert outcome.result["unchanged"] == count
    assert (outcome.result["households_created"], outcome.result["households_updated"]) == (0, 0)


def test_unmasked_export_is_refused_for_a_parttime_worker(
    client, small_jurisdiction, make_user, buildings, office
):
    ledger_import_file(actor=office, kind="residents", file=xlsx([person(0)]))
    worker = make_user("parttime_worker", small_jurisdiction[GRID_A])
    client.force_login(worker)
    url = reverse("registry:ledger_export", args=["residents"])
    assert client.get(url, {"unmasked": "1"}).status_code == 403
    api = client.get("/api/v1/ledgers/export/residents.xlsx", {"unmasked": "true"})
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "pii_denied"
    masked = client.get(url)
    row = next(
        openpyxl.load_workbook(io.BytesIO(masked.content))["居民"].iter_rows(
            min_row=2, values_only=True
        )
    )
    assert row[12] == pii.mask_id_number(id_number(0))
    assert not AuditEvent.objects.filter(action="residents.export_unmasked").exists()


def test_unmasked_export_is_allowed_for_a_community_office_and_audited(
    client, small_jurisdiction, make_user, buildings, office
):
    ledger_import_file(
        actor=office, kind="residents", file=xlsx([person(0), person(1, building="2号楼")])
    )
    community = make_user("community_office", small_jurisdiction[COMMUNITY])
    client.force_login(community)
    response = client.get(reverse("registry:ledger_export", args=["residents"]), {"unmasked": "1"})
    assert response.status_code == 200
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.content))["居民"].iter_rows(
            min_row=2, values_only=True
        )
    )
    assert sorted((r[12], r[13]) for r in rows) == [
        (id_number(0), "13900001000"),
        (id_number(1), "13900001001"),
    ]
    event = AuditEvent.objects.get(action="residents.export_unmasked")
    assert (event.actor_id, event.data) == (
        community.pk,
        {"user": community.get_username(), "residents": 2},
    )
    # The clear export imports back unchanged as well.
    again = ledger_import_file(actor=community, kind="residents", file=io.BytesIO(response.content))
    assert (again.result["created"], again.result["updated"], again.result["unchanged"]) == (
        0,
        0,
        2,
    )


def test_export_query_count_does_not_grow_with_rows(
    client, office, buildings, django_assert_max_num_queries
):
    ledger_import_file(actor=office, kind="residents", file=xlsx([person(i) for i in range(30)]))
    client.force_login(office)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("registry:ledger_export", args=["residents"]))
    assert response.status_code == 200


def test_page_upload_api_and_template_for_residents(client, office, buildings):
    client.force_login(office)
    data = xlsx([person(0), person(1)])
    data.name = "居民.xlsx"
    response = client.post(reverse("registry:ledger_import"), {"kind": "residents", "file": data})
    job = LedgerImport.objects.get()
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Imported: 2 created, 0 updated, 0 unchanged." in page
    api_file = xlsx([person(2, phone="12")])
    api_file.name = "x.xlsx"
    body = client.post("/api/v1/ledgers/imports", {"kind": "residents", "file": api_file}).json()
    assert body["status"] == "rejected"
    assert body["errors"] == [
        {"row": 2, "column": "联系电话", "value": "**", "reason": "Not a valid phone number."}
    ]
    template = client.get("/api/v1/ledgers/templates/residents.xlsx")
    assert template.status_code == 200
    assert client.get(reverse("registry:ledger_template", args=["residents"])).status_code == 200
    text = client.get(reverse("registry:ledger_import")).content.decode()
    assert reverse("registry:ledger_export", args=["residents"]) in text
    assert (job.kind, Resident.objects.count()) == ("residents", 2)


def test_cli_export_import_and_unmasked_refusal(
    tmp_path, small_jurisdiction, make_user, buildings, office, capsys
):
    ledger_import_file(actor=office, kind="residents", file=xlsx([person(0), person(1)]))
    worker = make_user("parttime_worker", small_jurisdiction[GRID_A])
    out = tmp_path / "r.xlsx"
    with pytest.raises(CommandError) as raised:
        call_command(
            "registry", "export", "--kind", "residents", "--unmasked", "--user",
            worker.get_username(), "-o", str(out),
        )  # fmt: skip
    assert "may not see residents' personal data unmasked" in str(raised.value)
    assert not out.exists()
    call_command("registry", "export", "--kind", "residents", "-o", str(out))
    call_command("registry", "import", str(out), "--kind", "residents")
    assert "created 0, updated 0, unchanged 2" in capsys.readouterr().out
    call_command("registry", "template", "--kind", "residents", "-o", str(tmp_path / "t.xlsx"))
    assert openpyxl.load_workbook(tmp_path / "t.xlsx")["居民"]["L1"].value == "姓名*"
