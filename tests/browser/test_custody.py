"""Custody as its users work it, in a real headless Chromium: a nursery operator's phone scans
a lot label and records a dispatch; a forester at a desk runs the chain from sowing to the EUDR
file, with every quantity checked against the database."""

import json
import subprocess
from datetime import date

from PIL import Image
from playwright.sync_api import expect, sync_playwright

from smarttrees.extensions import db
from smarttrees.labels.sheets import register_fonts
from smarttrees.models import LotEventKind, Role, SeedlingLot
from smarttrees.services import custody, labels
from tests.helpers.browser import (
    ARTIFACTS,
    CHROMIUM_FLAGS,
    OffsiteRequests,
    chromium_path,
    sign_in_page,
    write_y4m,
)
from tests.helpers.factories import make_stand, make_user, species_named

PHONE = {"width": 390, "height": 844}
TODAY = date.today().strftime("%d/%m/%Y")


def _lot_label_video(app, lot, base_url: str, tmp_path):
    fonts = register_fonts(app.config["LABEL_FONT"], app.config["LABEL_FONT_BOLD"])
    pdf = tmp_path / "lot.pdf"
    with pdf.open("wb") as out:
        labels.write_labels(labels.Selection(lots=(lot.code,)), out, base_url=base_url,
                            layout="tag-50x30", fonts=fonts)  # fmt: skip
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-singlefile", str(pdf),
                    str(tmp_path / "lot")], check=True)  # fmt: skip
    return write_y4m(Image.open(tmp_path / "lot.png"), tmp_path / "camera.y4m")


def _nursery_lot(name: str, sown: int):
    """A lot of a nursery sown with `sown` seedlings, and an operator of that nursery."""
    nursery = custody.create_nursery(name=name)
    lot = custody.create_lot(species_id=species_named("Acacia mangium").id,
                             nursery_id=nursery.id, seed_source="Ba Vì")  # fmt: skip
    custody.record_event(lot, LotEventKind.SOWN, sown)
    operator = make_user(Role.NURSERY)
    operator.nursery_id = nursery.id
    db.session.commit()
    return lot, operator


def test_a_phone_scans_a_lot_label_and_records_a_dispatch(app, live_server, tmp_path):
    lot, operator = _nursery_lot("Vườn ươm Phú Lương", 12000)
    video = _lot_label_video(app, lot, live_server.url, tmp_path)
    camera = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
    flags = [*CHROMIUM_FLAGS, *camera, f"--use-file-for-fake-video-capture={video}"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=flags)
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        context.grant_permissions(["camera"], origin=live_server.url)
        page = context.new_page()
        offsite = OffsiteRequests(page, live_server.url)
        sign_in_page(page, live_server.url, operator)
        page.goto(live_server.url + "/scan")
        page.wait_for_url(f"**/l/{lot.code}", timeout=30_000)
        form = page.locator("#record-event")
        form.locator("select[name=kind]").select_option("dispatched")
        form.locator("input[name=quantity]").fill("0")
        form.locator("input[name=counterparty]").fill("Hộ bà Hoàng Thị Lan")
        form.get_by_role("button", name="Ghi sự kiện").click()
        expect(page.locator("#record-event .field-error")).to_contain_text("Số phải lớn hơn 0.")
        form.locator("input[name=quantity]").fill("4.000")
        form.locator("input[name=document]").fill("PXK-0042")
        form.get_by_role("button", name="Ghi sự kiện").click()
        expect(page.locator("#on-hand")).to_have_text("8.000")
        expect(page.locator("main")).to_contain_text("Hộ bà Hoàng Thị Lan")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "phone-lot-dispatch.png"), full_page=True)
        assert offsite.blocked == []
        browser.close()
    db.session.expire_all()
    child = db.session.query(SeedlingLot).filter_by(parent_lot_id=lot.id).one()
    assert child.holder == "Hộ bà Hoàng Thị Lan" and lot.quantity_on_hand == 8000


def _record(page, **fields) -> None:
    form = page.locator("#record-event")
    form.locator("select[name=kind]").select_option(fields.pop("kind"))
    if "stand_id" in fields:
        form.locator("select[name=stand_id]").select_option(str(fields.pop("stand_id")))
    for name, value in fields.items():
        form.locator(f"[name={name}]").fill(str(value))
    form.get_by_role("button", name="Ghi sự kiện").click()


def test_the_whole_chain_from_sowing_to_the_eudr_file_on_a_desktop(app, live_server, tmp_path):
    stand = make_stand(owner="Hộ ông Nguyễn Văn Đức")
    custody.create_nursery(name="Vườn ươm Đại Từ")
    manager = make_user(Role.MANAGER)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900},
                                   accept_downloads=True).new_page()  # fmt: skip
        offsite = OffsiteRequests(page, live_server.url)
        sign_in_page(page, live_server.url, manager)
        page.goto(live_server.url + "/lots/new")
        page.locator("select[name=species_id]").select_option(
            str(species_named("Acacia mangium").id)
        )
        page.locator("input[name=seed_source_code]").fill("RG.01.01")
        page.get_by_role("button", name="Tạo lô").click()
        lot_url = page.url
        _record(page, kind="sown", quantity=5000, occurred_on=TODAY)
        _record(page, kind="dispatched", quantity=3000, counterparty="Hộ ông Đức")
        expect(page.locator("#on-hand")).to_have_text("2.000")
        sent = page.locator(".flash", has_text="in nhãn")
        sent_code = sent.inner_text().split("lô ")[1].split(":")[0]
        page.goto(f"{live_server.url}/l/{sent_code}")
        _record(page, kind="received", quantity=2990, losses=10)
        _record(page, kind="planted", quantity=2990, stand_id=stand.id)
        expect(page.locator("#on-hand")).to_have_text("0")
        page.goto(live_server.url + "/harvests")
        form = page.locator("#new-harvest")
        form.locator("select[name=stand_id]").select_option(str(stand.id))
        form.locator("input[name=harvested_on]").fill(TODAY)
        form.locator("input[name=area_ha]").fill("4")
        form.get_by_role("button", name="Ghi đợt khai thác").click()
        add = page.locator("#add-batch")
        add.locator("select[name=kind]").select_option("log")
        add.locator("input[name=volume_m3]").fill("40")
        add.get_by_role("button", name="Thêm lô hàng").click()
        logs = page.locator("table.rows a.code").first.inner_text()
        page.goto(f"{live_server.url}/b/{logs}")
        page.locator("#split-batch input[name=volumes]").fill("30 10")
        page.locator("#split-batch button").click()
        page.get_by_role("link", name="Mở đợt khai thác").click()
        vehicle = page.locator("#load-vehicle")
        parts = vehicle.locator("input[name=batch]")
        expect(parts).to_have_count(2)  # the logs were split whole: only the parts hold wood
        parts.first.check()
        vehicle.locator("input[name=shipped_on]").fill(TODAY)
        vehicle.locator("input[name=buyer_name]").fill("Công ty TNHH Gỗ Thái Nguyên")
        vehicle.locator("input[name=vehicle]").fill("20C-123.45")
        vehicle.get_by_role("button", name="Lập bảng kê lâm sản").click()
        expect(page.locator("h1")).to_contain_text("BK-")
        link = page.get_by_role("link", name="In bảng kê lâm sản (PDF)")
        pdf = page.request.get(live_server.url + link.get_attribute("href"))  # opens to print
        assert pdf.headers["content-type"] == "application/pdf"
        pdf_path = tmp_path / "list.pdf"
        pdf_path.write_bytes(pdf.body())
        with page.expect_download() as geo:
            page.get_by_role("link", name="Tải tệp vị trí địa lý").click()
        collection = json.loads(geo.value.path().read_text())
        page.screenshot(path=str(ARTIFACTS / "desktop-shipment.png"), full_page=True)
        shipped = page.locator("table.rows a.code").first.inner_text()
        page.goto(f"{live_server.url}/b/{shipped}")
        expect(page.locator("main")).to_contain_text(lot_url.rsplit("/", 1)[1])
        expect(page.locator("main")).to_contain_text(sent_code)
        expect(page.locator("#trace-map path.leaflet-interactive")).to_have_count(1)  # the stand
        page.screenshot(path=str(ARTIFACTS / "desktop-trace.png"), full_page=True)
        page.goto(lot_url + "/trace")
        expect(page.locator("main")).to_contain_text(shipped)
        expect(page.locator("#trace-map path.leaflet-interactive")).to_have_count(1)
        assert offsite.blocked == []
        browser.close()
    text = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert shipped in text and "30,000" in text and "4403" in text
    feature = collection["features"][0]
    assert feature["properties"]["ProducerName"] == "Hộ ông Nguyễn Văn Đức"
    assert feature["geometry"]["type"] == "Polygon"


def test_events_recorded_offline_on_a_lot_page_are_sent_once_back_online(live_server):
    lot, operator = _nursery_lot("Vườn ươm Chợ Đồn", 100)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        page = context.new_page()
        offsite = OffsiteRequests(page, live_server.url)
        sign_in_page(page, live_server.url, operator)
        page.goto(f"{live_server.url}/l/{lot.code}")
        page.evaluate("navigator.serviceWorker.ready")
        page.reload()  # now under the service worker, which keeps a copy of the page
        context.set_offline(True)
        page.reload()
        expect(page.locator("h1")).to_contain_text(lot.code)
        outbox = page.locator("#lot-outbox")
        # Sent in the order recorded: the dispatch needs the sowing before it.
        _record(page, kind="sown", quantity=50)
        expect(outbox.locator("[data-count]")).to_contain_text("1 sự kiện đang chờ gửi")
        _record(page, kind="dispatched", quantity=150, counterparty="HTX Yên Lạc")
        expect(outbox.locator("[data-count]")).to_contain_text("2 sự kiện đang chờ gửi")
        _record(page, kind="lost", quantity=5000, reason="Sâu hại")  # more than it will hold
        expect(outbox.locator("[data-count]")).to_have_text(
            "3 sự kiện đang chờ gửi từ điện thoại này."
        )
        page.screenshot(path=str(ARTIFACTS / "phone-lot-offline.png"), full_page=True)
        db.session.expire_all()
        assert custody.get_lot(lot.code).quantity_on_hand == 100
        context.set_offline(False)
        expect(page.locator("#on-hand")).to_have_text("0", timeout=15_000)
        expect(outbox.locator("[data-count]")).to_have_text(
            "1 sự kiện đang chờ gửi từ điện thoại này."
        )
        expect(outbox.locator(".field-error")).to_contain_text("Nhiều hơn số cây lô đang có")
        outbox.get_by_role("button", name="Bỏ bản ghi này").click()
        expect(outbox).to_be_hidden()
        assert offsite.blocked == []
        browser.close()
    db.session.expire_all()
    refreshed = custody.get_lot(lot.code)
    kinds = [event.kind.value for event in refreshed.events]
    assert refreshed.quantity_on_hand == 0 and kinds == ["sown", "sown", "dispatched"]
