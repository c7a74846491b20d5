"""The acceptance check that matters to a grid office: log in, see the grid polygons drawn."""

from __future__ import annotations

from pathlib import Path

import pytest

from firegrid.testing import user_with_role

REPO_ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = REPO_ROOT / "test-artifacts"
STREET1 = "410185001"
COMMUNITY_COLOR = "#e67700"  # default colour of depth 2 (services.LEVEL_COLORS)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_street_office_logs_in_and_sees_its_grid_polygons(live_server, browser, small_jurisdiction):
    street = small_jurisdiction[STREET1]
    communities = sorted(
        (g for g in small_jurisdiction.values() if g.parent_id == street.pk), key=lambda g: g.code
    )
    user_with_role("street_office", street, username="jiedao")

    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))

    page.goto(f"{live_server.url}/login/?next=/grids/")
    page.fill("#id_username", "jiedao")
    page.fill("#id_password", "pw-for-tests-only")
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/grids/")

    # One scope root (the street): the map opens it and draws the street with its communities.
    page.wait_for_selector(
        f'#grid-map[data-state="ready"][data-focus="{street.pk}"]', timeout=15000
    )
    polygons = page.locator("#grid-map path.leaflet-interactive")
    features = int(page.get_attribute("#grid-map", "data-feature-count") or 0)
    assert features == 1 + len(communities) == 3
    assert polygons.count() == features
    assert page.locator(".tree-root > .tree-node .tree-name").all_inner_texts() == ["街道1"]

    # Clicking a community shows its popup and drills into its grids.
    page.locator(f'#grid-map path.leaflet-interactive[stroke="{COMMUNITY_COLOR}"]').first.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    name = popup.locator("strong").inner_text()
    clicked = next(g for g in communities if g.name == name)
    assert clicked.code in popup.inner_text()
    page.wait_for_selector(
        f'#grid-map[data-state="ready"][data-focus="{clicked.pk}"]', timeout=15000
    )
    assert polygons.count() == 3  # the community and its two grids

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map.png"), full_page=True)
    assert problems == []
    page.close()
