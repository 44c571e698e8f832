"""The field app in a real headless Chromium: an inspection recorded with no network is
synced once the network returns, and only once."""

from playwright.sync_api import expect, sync_playwright
from sqlalchemy import func, select

from smarttrees.extensions import db
from smarttrees.models import Inspection, Role
from smarttrees.services import inventory
from tests.helpers.browser import ARTIFACTS, CHROMIUM_FLAGS, chromium_path
from tests.helpers.factories import PASSWORD, make_tree, make_user


def count_inspections(tree) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).where(Inspection.tree_id == tree.id))


def test_an_inspection_made_offline_syncs_once_back_online(live_server):
    user = make_user(Role.FIELD)
    tree = make_tree(commune="Gia Sàng")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": 412, "height": 900})
        page = context.new_page()
        page.goto(live_server.url + "/login")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.goto(live_server.url + "/field")
        page.evaluate("navigator.serviceWorker.ready")
        page.locator("#area-box summary").click()
        page.select_option("#area-commune", str(tree.commune_id))
        page.click("#area-download")
        expect(page.locator("#area-state")).to_contain_text("1 cây của Gia Sàng")

        context.set_offline(True)
        page.reload()  # the page itself now comes from the service worker's cache
        expect(page.locator("#net-state")).to_have_text("Mất mạng")
        page.fill("#open-code", tree.code.lower())
        page.click("#open-form button[type=submit]")
        expect(page.locator("#tree-card")).to_contain_text("Bằng lăng nước")
        page.fill("#inspect-form [name=dbh_cm]", "45,5")
        page.select_option("#inspect-form [name=condition]", "poor")
        page.click("#inspect-form button[type=submit]")
        expect(page.locator("#outbox-state")).to_have_text("1 bản ghi chờ đồng bộ")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "field-offline.png"), full_page=True)
        assert count_inspections(tree) == 0

        context.set_offline(False)
        expect(page.locator("#outbox-state")).to_have_text("0 bản ghi chờ đồng bộ", timeout=15_000)
        page.click("#sync-now")
        page.reload()
        expect(page.locator("#outbox-state")).to_have_text("0 bản ghi chờ đồng bộ")
        browser.close()
    assert count_inspections(tree) == 1
    synced = inventory.get_tree(tree.code)
    assert float(synced.dbh_cm) == 45.5 and synced.condition.value == "poor"
