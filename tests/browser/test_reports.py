"""The planners' dashboard in a real headless Chromium: the figures, charts drawn by the app's
own Chart.js, a filter to one commune, a bar's trees, the Excel workbook and the PDF report
(read back by pdftotext), each figure checked against the database."""

import io
import re
import subprocess

from openpyxl import load_workbook
from playwright.sync_api import expect, sync_playwright
from sqlalchemy import func, select

from smarttrees.extensions import db
from smarttrees.models import Role, Tree
from smarttrees.services import reports
from tests.helpers.browser import (
    ARTIFACTS,
    CHROMIUM_FLAGS,
    OffsiteRequests,
    chromium_path,
    sign_in_page,
)
from tests.helpers.factories import commune_named, make_tree, make_user

PHONE = {"width": 390, "height": 844}


def _plant() -> None:
    for category in ("urban", "urban", "scattered"):
        make_tree(commune="Gia Sàng", category=category)
    make_tree(commune="Gia Sàng", category="urban", condition="dead")
    for _ in range(2):
        make_tree(commune="Quan Triều", category="scattered")


def _vietnamese(value: float, places: int) -> str:
    """1234.5 as Vietnamese writes it: 1.234,5."""
    return f"{value:,.{places}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def _charts_drawn(page) -> int:
    page.wait_for_load_state("load")  # the scripts at the page's end have run
    return page.evaluate(
        "[...document.querySelectorAll('canvas[id^=chart-]')]"
        ".filter(c => window.Chart.getChart(c) && c.width > 0).length"
    )


def test_a_planner_filters_the_dashboard_to_a_commune_and_takes_its_workbook(live_server):
    _plant()
    gia_sang = commune_named("Gia Sàng")
    expected = reports.carbon_summary(reports.ReportFilter(commune_id=gia_sang.id))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        offsite = OffsiteRequests(page, live_server.url)
        sign_in_page(page, live_server.url, make_user(Role.VIEWER))
        page.get_by_role("link", name="Báo cáo").click()
        expect(page.locator("#figure-trees")).to_have_text("5")  # six trees, one dead
        assert _charts_drawn(page) >= 6
        # The commune map's buttons speak the page's language (Leaflet's own are English).
        expect(page.locator("#report-map .leaflet-control-zoom-in")).to_have_attribute(
            "title", "Phóng to"
        )

        page.select_option("#report-filters select[name=commune_id]", label="Gia Sàng")
        page.get_by_role("button", name="Lọc").click()
        expect(page.locator("#figure-trees")).to_have_text(str(expected["trees"]))
        expect(page.locator("#figure-co2e")).to_have_text(_vietnamese(expected["co2e_t"], 3))
        expect(page.locator("#worst-communes tbody tr")).to_have_count(0)  # under 20 trees
        page.screenshot(path=str(ARTIFACTS / "reports-desktop.png"), full_page=True)

        with page.expect_download() as download:
            page.click("#download-xlsx")
        book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
        summary = {row[0]: row[1] for row in book["Tổng hợp"].iter_rows(values_only=True)}
        assert summary["Cây còn sống"] == expected["trees"] == 3
        assert summary["CO₂ tương đương (tấn)"] == expected["co2e_t"]
        categories = dict(list(book["Cây theo loại"].iter_rows(values_only=True))[1:])
        assert categories == {"cây đô thị": 3, "cây phân tán": 1}

        with page.expect_download() as download:
            page.click("#download-pdf")
        text = subprocess.run(
            ["pdftotext", "-layout", str(download.value.path()), "-"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        assert "Xã/phường: Gia Sàng" in text  # the filter, stated
        assert re.search(rf"Cây còn sống\s+{expected['trees']}\b", text)
        assert _vietnamese(expected["co2e_t"], 1) in text  # CO₂e as the database sums it
        assert "Trang 1/" in text and "THỦ TRƯỞNG ĐƠN VỊ" in text

        figure = page.locator("#figure-categories")
        figure.locator("summary").click()
        figure.get_by_role("link", name="cây đô thị").click()
        page.wait_for_url(lambda url: "/trees?" in url)
        assert "category=urban" in page.url and f"commune_id={gia_sang.id}" in page.url
        expect(page.locator("table.rows tbody tr")).to_have_count(3)

        phone = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True)
        sign_in_page(phone, live_server.url, make_user(Role.VIEWER))
        phone.goto(live_server.url + "/reports")
        assert _charts_drawn(phone) >= 6
        width = phone.evaluate("document.documentElement.scrollWidth")
        phone.screenshot(path=str(ARTIFACTS / "reports-phone.png"), full_page=True)
        browser.close()
    assert width <= PHONE["width"]  # nothing runs off a phone's screen
    assert offsite.blocked == []
    assert db.session.scalar(select(func.count()).select_from(Tree)) == 6
