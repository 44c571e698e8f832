"""Pages in a real headless Chromium: sign in, list, open a tree, its map drawn offline."""

import re

import pytest
from playwright.sync_api import expect, sync_playwright

from smarttrees.models import Role
from tests.helpers.browser import ARTIFACTS, CHROMIUM_FLAGS, OffsiteRequests, chromium_path
from tests.helpers.factories import PASSWORD, make_tree, make_user


@pytest.fixture
def page(live_server):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.offsite = OffsiteRequests(page, live_server.url)
        yield page
        browser.close()


def test_sign_in_browse_and_open_a_tree_with_its_map(page, live_server):
    user = make_user(Role.FIELD)
    tree = make_tree()
    page.goto(live_server.url + "/trees")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Cây xanh")).to_be_visible()
    page.get_by_label("Tìm kiếm").fill("bang lang")
    page.get_by_role("button", name="Lọc").click()
    page.get_by_role("link", name=tree.code).click()
    expect(page.locator("h1")).to_contain_text("Bằng lăng nước")
    expect(page.locator("#tree-map.leaflet-container path.leaflet-interactive")).to_have_count(1)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "tree-detail.png"), full_page=True)
    assert page.offsite.blocked == []


def test_the_new_tree_form_shows_field_errors_in_place(page, live_server):
    user = make_user(Role.FIELD)
    page.goto(live_server.url + "/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(live_server.url + "/trees/new?lang=en")
    page.get_by_label("Latitude").fill("21.03")
    page.get_by_label("Longitude").fill("105.85")
    page.get_by_label("DBH (cm)").fill("900")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".field-error").filter(has_text="at most 500 cm")).to_be_visible()
    expect(page.locator(".field-error").filter(has_text="outside Thái Nguyên")).to_be_visible()
    expect(page.get_by_label("DBH (cm)")).to_have_value("900")
    page.screenshot(path=str(ARTIFACTS / "tree-form-errors.png"), full_page=True)


DRAWN_PIXELS = """(pane) => {
  let drawn = 0;
  document.querySelectorAll(`.leaflet-${pane}-pane canvas`).forEach((canvas) => {
    const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) drawn++;
  });
  return drawn;
}"""


def wait_drawn(page, pane: str, timeout_s: float = 15) -> None:
    """Until something is drawn in the pane's canvases. Polled from here: Playwright's own
    wait_for_function evaluates its predicate with eval, which the page's CSP forbids."""
    import time

    deadline = time.monotonic() + timeout_s
    while page.evaluate(DRAWN_PIXELS, pane) == 0:
        assert time.monotonic() < deadline, f"nothing drawn in the {pane} pane"
        page.wait_for_timeout(100)


def test_the_province_map_draws_trees_offline_and_opens_a_card(page, live_server, public_map):
    from geoalchemy2.shape import to_shape

    for _ in range(3):
        make_tree(commune="Gia Sàng")
    tree = make_tree(commune="Quan Triều", category="scattered")
    point = to_shape(tree.geom)
    page.goto(f"{live_server.url}/map#map=9/{point.y}/{point.x}")
    wait_drawn(page, "st-trees")
    wait_drawn(page, "st-communes")
    page.screenshot(path=str(ARTIFACTS / "map-clusters.png"))
    page.goto(f"{live_server.url}/map#map=20/{point.y}/{point.x}")
    page.reload()
    wait_drawn(page, "st-trees")
    box = page.locator(".folium-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    card = page.locator(".tree-card")
    expect(card).to_contain_text(tree.code)
    expect(card).to_contain_text("Bằng lăng nước")
    page.wait_for_timeout(500)  # no commune card replaces the tree's
    expect(page.locator(".st-card h2")).to_have_text(tree.code)
    page.screenshot(path=str(ARTIFACTS / "map-tree-card.png"))
    page.select_option("#st-condition", "poor")
    expect(page).to_have_url(re.compile(r"condition=poor"))
    assert page.offsite.blocked == []


def test_a_click_on_a_commune_or_a_stand_opens_its_card(page, live_server, public_map):
    """Leaflet passes no feature (false) to the tiles' event hook when the pointer is over
    none of a tile's features; the hook threw, and commune and stand cards never opened."""
    from geoalchemy2.shape import from_shape, to_shape
    from shapely.geometry import MultiPolygon
    from shapely.geometry import box as square

    from smarttrees.extensions import db
    from smarttrees.models import Stand
    from tests.helpers.factories import commune_named

    commune = commune_named("Phú Lương")
    inside = to_shape(commune.geom).representative_point()
    lon, lat = inside.x, inside.y
    plot = square(lon - 0.002, lat - 0.002, lon + 0.002, lat + 0.002)

    db.session.add(
        Stand(name="Lô thử 7", planting_year=2019, geom=from_shape(MultiPolygon([plot]), srid=4326))
    )
    db.session.commit()
    page.goto(f"{live_server.url}/map#map=15/{lat}/{lon}")
    wait_drawn(page, "st-stands")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    box = page.locator(".folium-map").bounding_box()
    page.mouse.move(box["x"] + 5, box["y"] + box["height"] - 5)  # over no stand
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator(".st-card h2")).to_have_text("Lô thử 7")
    page.wait_for_timeout(400)  # the popup fades in
    page.screenshot(path=str(ARTIFACTS / "map-stand-card.png"))
    page.goto(f"{live_server.url}/map#map=11/{lat}/{lon}")
    page.reload()
    wait_drawn(page, "st-communes")
    box = page.locator(".folium-map").bounding_box()
    # 30 px beside the stand (3 px wide at this zoom): the commune around it.
    page.mouse.click(box["x"] + box["width"] / 2 + 30, box["y"] + box["height"] / 2)
    expect(page.locator(".st-card h2")).to_contain_text("Phú Lương")
    page.wait_for_timeout(400)
    page.screenshot(path=str(ARTIFACTS / "map-commune-card.png"))
    assert errors == [] and page.offsite.blocked == []


def test_the_maps_draw_the_basemap_the_app_serves_on_desktop_and_phone(
    app, runner, page, live_server, public_map, tmp_path, monkeypatch
):
    out = tmp_path / "basemap.pmtiles"
    result = runner.invoke(args=["basemap", "build", "-o", str(out), "--max-zoom", "12"])
    assert result.exit_code == 0, result.output
    monkeypatch.setitem(app.config, "BASEMAP_FILE", str(out))
    served = []
    page.on("response", lambda r: served.append(r.status) if "/tiles/basemap/" in r.url else None)
    tree = make_tree(commune="Gia Sàng")
    from geoalchemy2.shape import to_shape

    point = to_shape(tree.geom)
    page.goto(f"{live_server.url}/map#map=13/{point.y}/{point.x}")
    # The basemap (commune fills, outlines) under everything, its names above the colours.
    wait_drawn(page, "tile")
    wait_drawn(page, "st-basemap-names")
    expect(page.locator(".leaflet-control-scale-line")).to_have_count(1)  # metres only
    page.screenshot(path=str(ARTIFACTS / "map-basemap.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    wait_drawn(page, "st-basemap-names")
    page.screenshot(path=str(ARTIFACTS / "map-basemap-phone.png"))
    assert served and set(served) == {200}
    assert page.offsite.blocked == []
