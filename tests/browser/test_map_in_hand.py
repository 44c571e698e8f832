"""The province map on a phone, as field staff use it: the panel folds away, "my location"
finds the trees nearest the user (a fake position), a tap opens a tree's card with "inspect",
and the app's pages are a tap away."""

import pytest
from playwright.sync_api import expect, sync_playwright

from smarttrees.models import Role
from tests.helpers.browser import ARTIFACTS, CHROMIUM_FLAGS, OffsiteRequests, chromium_path
from tests.helpers.factories import PASSWORD, make_tree, make_user

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(live_server):
    """A phone's browser standing near three trees of Phan Đình Phùng."""
    from geoalchemy2.shape import to_shape

    trees = [make_tree(lon=105.8400 + i * 0.0002, lat=21.5930) for i in range(3)]
    far = make_tree(commune="Gia Sàng")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        context = browser.new_context(
            viewport=PHONE,
            is_mobile=True,
            has_touch=True,
            geolocation={"latitude": 21.5930, "longitude": 105.84005, "accuracy": 8},
            permissions=["geolocation"],
        )
        page = context.new_page()
        page.offsite = OffsiteRequests(page, live_server.url)
        page.trees = trees
        page.far = to_shape(far.geom)
        yield page
        browser.close()


def _sign_in(page, live_server, role):
    user = make_user(role)
    page.goto(live_server.url + "/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def test_on_a_phone_the_panel_folds_and_my_location_lists_the_nearest_trees(phone, live_server):
    page = phone
    _sign_in(page, live_server, Role.FIELD)
    page.goto(f"{live_server.url}/map#map=10/{page.far.y}/{page.far.x}")
    panel = page.locator(".st-panel")
    # Folded at first on a phone: the title and the bar, not the filters.
    expect(panel.locator("#st-fold")).to_have_text("Mở bảng")
    expect(panel.locator("#st-category")).to_be_hidden()
    expect(panel.locator(".st-nav a", has_text="Cây xanh")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "phone-map-folded.png"))
    assert page.locator("html").get_attribute("lang") == "vi"
    expect(page.locator(".leaflet-control-zoom-in")).to_have_attribute("title", "Phóng to")
    panel.locator("#st-fold").click()
    expect(panel.locator("#st-category")).to_be_visible()
    panel.locator("#st-fold").click()
    expect(panel.locator("#st-category")).to_be_hidden()

    page.get_by_role("button", name="Vị trí của tôi").click()
    nearby = panel.locator("#st-nearby li")
    expect(nearby).to_have_count(4)
    codes = [tree.code for tree in page.trees]
    expect(nearby.first).to_contain_text(codes[0])  # 5 m away, the nearest
    expect(nearby.first).to_contain_text("5 m")
    expect(nearby.nth(1)).to_contain_text(codes[1])
    expect(nearby.nth(3)).to_contain_text("km")  # the tree of Gia Sàng, kilometres away
    expect(nearby.first.get_by_role("link", name="Kiểm tra")).to_have_attribute(
        "href", f"/trees/{codes[0]}/inspect"
    )
    page.screenshot(path=str(ARTIFACTS / "phone-map-nearby.png"))
    # The user's own position stays in sight above the opened panel.
    me = page.locator(".st-me").bounding_box()
    assert me["y"] + me["height"] < panel.bounding_box()["y"]
    nearby.nth(1).get_by_role("button").click()
    card = page.locator(".tree-card")
    expect(card).to_contain_text(codes[1])
    expect(card).to_contain_text("32,5")  # a decimal comma in Vietnamese
    expect(card.get_by_role("link", name="Kiểm tra")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "phone-map-card.png"))
    card.get_by_role("link", name="Kiểm tra").click()
    expect(page).to_have_url(f"{live_server.url}/trees/{codes[1]}/inspect")
    assert page.offsite.blocked == []


def test_a_visitor_of_the_public_map_finds_trees_near_without_inspect(
    phone, live_server, public_map
):
    page = phone
    page.goto(f"{live_server.url}/map")
    expect(page.locator(".st-nav a", has_text="Đăng nhập")).to_be_visible()
    page.get_by_role("button", name="Vị trí của tôi").click()
    expect(page.locator("#st-nearby li")).to_have_count(4)
    expect(page.locator("#st-nearby").get_by_role("link", name="Kiểm tra")).to_have_count(0)
