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


def open_field_app(context, live_server, user):
    """A phone's page of the field app, its user signed in through the form."""
    page = context.new_page()
    page.goto(live_server.url + "/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(live_server.url + "/field")
    return page


def test_an_inspection_made_offline_syncs_once_back_online(live_server):
    user = make_user(Role.FIELD)
    tree = make_tree(commune="Gia Sàng")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": 412, "height": 900})
        page = open_field_app(context, live_server, user)
        page.evaluate("navigator.serviceWorker.ready")
        expect(page.locator("#area-box")).to_have_attribute("open", "")  # no area kept yet
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


OUTBOX_PUT = """(records) => new Promise((resolve) => {
  const open = indexedDB.open("smarttrees-field");
  open.onsuccess = () => {
    const tx = open.result.transaction("outbox", "readwrite");
    records.forEach((record) => tx.objectStore("outbox").put(record));
    tx.oncomplete = () => resolve(records.length);
  };
})"""


def test_a_refused_record_is_shown_on_top_fixed_and_sent_again_or_dropped(live_server):
    """The phone refuses a DBH of 900 cm itself, with the server's own range. Records it kept
    before (an older version of the app, other limits) that the server refuses are shown at
    the top, in Vietnamese, with the field; one is corrected to 45 and sent again, the other
    dropped. Nothing stays stuck in the outbox."""
    user = make_user(Role.FIELD)
    tree = make_tree(commune="Gia Sàng")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": 412, "height": 900})
        page = open_field_app(context, live_server, user)
        expect(page.locator("#area-box")).to_have_attribute("open", "")  # no area kept yet
        page.select_option("#area-commune", str(tree.commune_id))
        page.click("#area-download")
        expect(page.locator("#area-state")).to_contain_text("1 cây của Gia Sàng")
        page.fill("#open-code", tree.code)
        page.click("#open-form button[type=submit]")
        page.fill("#inspect-form [name=dbh_cm]", "900")
        page.click("#inspect-form button[type=submit]")
        expect(page.locator("#sync-message")).to_contain_text("Chưa lưu")
        expect(page.locator("#outbox-state")).to_have_text("0 bản ghi chờ đồng bộ")
        kept = [
            {"client_id": f"old-{dbh}", "type": "inspection", "code": tree.code,
             "inspected_at": "2026-01-05T02:00:00Z", "dbh_cm": dbh}
            for dbh in ("900", "950")
        ]  # fmt: skip
        assert page.evaluate(OUTBOX_PUT, kept) == 2
        page.click("#sync-now")
        expect(page.locator("#rejected .rejected-record")).to_have_count(2)
        first = page.locator("#rejected .rejected-record").first
        expect(first).to_contain_text("Máy chủ từ chối")
        expect(first).to_contain_text("D1.3 phải lớn hơn 0 và không quá 500 cm.")
        expect(page.locator("#sync-message")).to_contain_text("bị từ chối")
        page.click("#open-form button[type=submit]")  # the phone's copy keeps what it held
        expect(page.locator("#tree-card")).to_contain_text("32,5")  # as Vietnamese writes it
        expect(page.locator("#tree-card")).not_to_contain_text("950")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "field-refused.png"), full_page=True)
        first.locator("input[name=dbh_cm]").fill("45")
        first.get_by_role("button", name="Gửi lại").click()
        expect(page.locator("#rejected .rejected-record")).to_have_count(1)
        page.once("dialog", lambda dialog: dialog.accept())
        page.locator("#rejected").get_by_role("button", name="Bỏ bản ghi này").click()
        expect(page.locator("#rejected .rejected-record")).to_have_count(0)
        expect(page.locator("#outbox-state")).to_have_text("0 bản ghi chờ đồng bộ")
        browser.close()
    assert count_inspections(tree) == 1
    assert float(inventory.get_tree(tree.code).dbh_cm) == 45


KEPT_PHOTOS = """() => new Promise((resolve) => {
  const open = indexedDB.open("smarttrees-field");
  open.onsuccess = () => {
    const request = open.result.transaction("photos").objectStore("photos").getAll();
    request.onsuccess = () => resolve(request.result.map((p) => [p.blob.type, p.blob.size]));
  };
})"""


def test_a_photo_taken_offline_waits_on_the_phone_and_syncs_with_its_inspection(
    live_server, app, tmp_path
):
    """A 12-megapixel photo chosen while offline is made smaller on the phone and kept in
    IndexedDB; back online it is sent with its inspection and stored on the server."""
    from PIL import Image

    app.config["PHOTO_DIR"], previous = str(tmp_path / "photos"), app.config["PHOTO_DIR"]
    picture = tmp_path / "than_cay.jpg"
    Image.effect_noise((4000, 3000), 60).convert("RGB").save(picture, quality=95)
    user = make_user(Role.FIELD)
    tree = make_tree(commune="Gia Sàng")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_path(), args=CHROMIUM_FLAGS
            )
            context = browser.new_context(viewport={"width": 412, "height": 900})
            page = open_field_app(context, live_server, user)
            page.evaluate("navigator.serviceWorker.ready")
            page.select_option("#area-commune", str(tree.commune_id))
            page.click("#area-download")
            expect(page.locator("#area-state")).to_contain_text("1 cây của Gia Sàng")
            context.set_offline(True)
            page.reload()
            page.fill("#open-code", tree.code)
            page.click("#open-form button[type=submit]")
            page.fill("#inspect-form [name=dbh_cm]", "40")
            page.set_input_files("#inspect-form [name=photo]", str(picture))
            page.click("#inspect-form button[type=submit]")
            expect(page.locator("#outbox-state")).to_have_text("1 bản ghi chờ đồng bộ")
            [(kind, size)] = page.evaluate(KEPT_PHOTOS)
            assert kind == "image/jpeg" and 0 < size < 2 * 1024 * 1024
            assert size < picture.stat().st_size  # made smaller on the phone
            assert count_inspections(tree) == 0

            context.set_offline(False)
            page.click("#sync-now")
            expect(page.locator("#outbox-state")).to_have_text("0 bản ghi chờ đồng bộ")
            assert page.evaluate(KEPT_PHOTOS) == []  # nothing left behind on the phone
            browser.close()
        [inspection] = inventory.get_tree(tree.code).inspections
        stored = Image.open(tmp_path / "photos" / inspection.photo_path)
        assert stored.size == (1600, 1200) and float(inspection.dbh_cm) == 40
    finally:
        app.config["PHOTO_DIR"] = previous
