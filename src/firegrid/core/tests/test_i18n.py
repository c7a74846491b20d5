"""zh-Hans is the default UI language, English works, and data names follow the viewer."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from firegrid.core.i18n import localized_name
from firegrid.grids.models import Grid

STREET1 = "410185001"
PO_FILE = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES" / "django.po"


@pytest.fixture(autouse=True)
def _restore_language() -> Iterator[None]:
    """A request activates its language in this thread; give the next test the one it had."""
    with translation.override(translation.get_language()):
        yield


def _po_entries(text: str) -> list[dict[str, str]]:
    """msgid/msgid_plural/msgstr/msgstr[n] of every entry, with the `#,` flags; header skipped."""
    entries = []
    for block in re.split(r"\n\s*\n", text.strip()):
        entry: dict[str, str] = {"flags": ""}
        key = ""
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] += line[2:]
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry[key] += line.strip()[1:-1]
            else:
                key, _, value = line.partition(" ")
                entry[key] = value.strip()[1:-1]
        if entry.get("msgid"):
            entries.append(entry)
    return entries


def test_map_page_is_in_chinese_by_default(
    client: Any, small_jurisdiction: dict[str, Grid], make_user: Callable[..., Any]
) -> None:
    client.force_login(make_user("street_office", small_jurisdiction[STREET1]))

    response = client.get(reverse("grids:map"))

    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="zh-hans">' in page
    assert ">网格地图</a>" in page
    assert ">Grid map</a>" not in page
    assert "街道/乡镇" in page  # the level name, in Chinese
    assert "Street/town" not in page


def test_map_page_is_in_english_when_the_browser_asks_for_it(
    client: Any, small_jurisdiction: dict[str, Grid], make_user: Callable[..., Any]
) -> None:
    client.force_login(make_user("street_office", small_jurisdiction[STREET1]))

    response = client.get(reverse("grids:map"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert ">Grid map</a>" in page
    assert "网格地图" not in page
    assert "Street/town" in page  # the level's name_en
    assert "街道/乡镇" not in page


def test_grid_detail_shows_role_names_in_the_viewers_language(
    client: Any, small_jurisdiction: dict[str, Grid], make_user: Callable[..., Any]
) -> None:
    street = small_jurisdiction[STREET1]
    client.force_login(make_user("street_office", street))
    url = reverse("grids:detail", args=[street.pk])

    chinese = client.get(url).content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    # The assignment table (the role <select> of the form: test_views_grids).
    assert "<td>街道/乡镇网格办</td>" in chinese
    assert "<td>Street/town grid office staff</td>" not in chinese
    assert "<td>Street/town grid office staff</td>" in english
    assert "<td>街道/乡镇网格办</td>" not in english


def test_geojson_features_carry_the_level_name_in_both_languages(
    client: Any, small_jurisdiction: dict[str, Grid], make_user: Callable[..., Any]
) -> None:
    street = small_jurisdiction[STREET1]
    client.force_login(make_user("street_office", street))

    body = client.get("/api/v1/grids/geojson", {"parent": street.pk}).json()

    levels = [
        (f["properties"]["level"], f["properties"]["level_name_en"]) for f in body["features"]
    ]
    assert levels == [("社区/村", "Community/village"), ("社区/村", "Community/village")]


def test_geojson_level_name_en_is_empty_for_a_level_without_an_english_name(
    client: Any, small_jurisdiction: dict[str, Grid], make_user: Callable[..., Any]
) -> None:
    street = small_jurisdiction[STREET1]
    street.level.name_en = ""
    street.level.save(update_fields=["name_en"])
    client.force_login(make_user("street_office", street))

    body = client.get(f"/api/v1/grids/{street.pk}/geojson").json()

    properties = body["features"][0]["properties"]
    assert (properties["level"], properties["level_name_en"]) == ("街道/乡镇", "")


def test_tree_nodes_carry_the_level_name_in_both_languages(
    client: Any, small_jurisdiction: dict[str, Grid], make_user: Callable[..., Any]
) -> None:
    client.force_login(make_user("street_office", small_jurisdiction[STREET1]))

    tree = client.get("/api/v1/grids/tree", {"levels": 1}).json()

    assert (tree[0]["level_name"], tree[0]["level_name_en"]) == ("街道/乡镇", "Street/town")
    assert [(c["level_name"], c["level_name_en"]) for c in tree[0]["children"]] == [
        ("社区/村", "Community/village"),
        ("社区/村", "Community/village"),
    ]


def test_localized_name_follows_the_active_language() -> None:
    level = SimpleNamespace(name="社区/村", name_en="Community/village")

    with translation.override("en"):
        assert localized_name(level) == "Community/village"
    with translation.override("en-us"):
        assert localized_name(level) == "Community/village"
    with translation.override("zh-hans"):
        assert localized_name(level) == "社区/村"


def test_localized_name_falls_back_to_chinese_without_an_english_name() -> None:
    role = SimpleNamespace(name="楼栋长", name_en="")

    with translation.override("en"):
        assert localized_name(role) == "楼栋长"


def test_localized_name_filter_renders_the_english_name_and_tolerates_none() -> None:
    template = Template(
        "{% load firegrid %}[{{ level|localized_name }}][{{ missing|localized_name }}]"
    )
    level = SimpleNamespace(name="网格", name_en="Grid")

    with translation.override("en"):
        assert template.render(Context({"level": level, "missing": None})) == "[Grid][]"
    with translation.override("zh-hans"):
        assert template.render(Context({"level": level, "missing": None})) == "[网格][]"


def test_every_catalogue_entry_is_translated_and_none_is_fuzzy() -> None:
    entries = _po_entries(PO_FILE.read_text(encoding="utf-8"))

    untranslated = [e["msgid"] for e in entries if not e.get("msgstr") and not e.get("msgstr[0]")]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert len(entries) > 200
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize(
    ("msgid", "chinese"),
    [
        ("Grid map", "网格地图"),
        ("Public notice board", "公示牌"),
        ("Backup partner (AB post)", "AB岗搭档"),
        ("Responsibility letter signed on", "责任书签订日期"),
        ("jurisdiction", "辖区"),
    ],
)
def test_compiled_catalogue_translates_into_chinese(msgid: str, chinese: str) -> None:
    with translation.override("zh-hans"):
        assert translation.gettext(msgid) == chinese
    with translation.override("en"):
        assert translation.gettext(msgid) == msgid


def test_compiled_catalogue_has_the_chinese_plural() -> None:
    with translation.override("zh-hans"):
        text = translation.ngettext("%(counter)s person", "%(counter)s people", 3)
    assert text % {"counter": 3} == "共 3 人"
