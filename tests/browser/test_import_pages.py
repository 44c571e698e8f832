"""Imports in Chromium: upload, review, fix, commit and the map; an old encoding confirmed."""

from sqlalchemy import func, select

from smarttrees.extensions import db
from smarttrees.models import Role, Tree
from tests.helpers.factories import make_user, species_named
from tests.helpers.imports import run_jobs, signed_in_page
from tests.helpers.surveys import vn2000_survey


def test_a_survey_goes_from_upload_to_the_map_in_a_browser(
    app, runner, live_server, upload_dir, tmp_path
):
    from playwright.sync_api import expect, sync_playwright

    from tests.helpers.browser import ARTIFACTS, OffsiteRequests

    user = make_user(Role.MANAGER)
    path, _ = vn2000_survey(tmp_path)
    ficus_religiosa = species_named("Ficus religiosa").id  # one of the two "Bồ đề"
    with sync_playwright() as playwright:
        browser, page = signed_in_page(playwright, live_server, user)
        offsite = OffsiteRequests(page, live_server.url)
        page.goto(live_server.url + "/imports/new")
        page.set_input_files("input[name=file]", str(path))
        page.select_option("select[name=crs]", "EPSG:9213")
        page.get_by_role("button", name="Tải lên và kiểm tra").click()
        expect(page.locator("h1")).to_contain_text("khao_sat.csv")
        run_jobs(runner)  # the job worker checks the file; the page notices and reloads
        # Only the point outside the province and the id given twice stop a row: 5 are ready.
        expect(page.get_by_role("button", name="Nhập 5 dòng sẵn sàng")).to_be_visible(
            timeout=15_000
        )
        ambiguous = page.locator('#problem-kinds tr[data-code="species_ambiguous"]')
        expect(ambiguous).to_have_count(1)  # shown by its message; the code is not shown
        expect(page.locator("#problem-kinds")).not_to_contain_text("species_ambiguous")
        # The mapping: "Bo de" fits two species; choose one, once for every row that has it.
        bo_de = page.locator("#species-names tr", has_text="Bo de").locator("select")
        bo_de.select_option(str(ficus_religiosa))
        page.get_by_role("button", name="Kiểm tra lại").click()
        run_jobs(runner)
        expect(page.get_by_role("button", name="Nhập 5 dòng sẵn sàng")).to_be_visible(
            timeout=15_000
        )
        expect(ambiguous).to_have_count(0)
        # A cell fixed in place among the warnings: the DBH "abc" of row 5 becomes 40.
        page.goto(page.url.split("?")[0] + "?group=warnings")
        row = page.locator("#row-5")
        expect(row.locator('[data-code="number_invalid"]')).to_have_count(1)
        row.get_by_label("D1.3").fill("40")
        row.get_by_role("button", name="Kiểm tra dòng này").click()
        expect(page.locator(".flash")).to_contain_text("5")
        expect(page.locator('#row-5 [data-code="number_invalid"]')).to_have_count(0)
        page.get_by_role("button", name="Nhập 5 dòng sẵn sàng").click()
        run_jobs(runner)
        expect(page.get_by_role("link", name="Xem cây trên bản đồ")).to_be_visible(timeout=15_000)
        # The preview map shows every row's point: 5 imported in green, 3 refused in red.
        points = page.locator("#import-preview path.leaflet-interactive")
        expect(points).to_have_count(8)
        expect(points.and_(page.locator('[stroke="#b00020"]'))).to_have_count(3)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "import-done.png"), full_page=True)
        page.get_by_role("link", name="Xem cây trên bản đồ").click()
        expect(page.locator(".leaflet-st-trees-pane canvas").first).to_be_attached()
        assert offsite.blocked == []
        browser.close()
    assert db.session.scalar(select(func.count()).select_from(Tree)) == 5
    fixed = db.session.scalar(select(Tree).where(Tree.external_id == "TN-4"))
    assert float(fixed.dbh_cm) == 40.0
    chosen = db.session.scalar(select(Tree).where(Tree.external_id == "TN-3"))
    assert chosen.species_id == ficus_religiosa


def test_an_old_tcvn3_survey_is_confirmed_and_imported_in_a_browser(
    app, runner, live_server, upload_dir, tmp_path
):
    from playwright.sync_api import expect, sync_playwright

    from tests.helpers.browser import ARTIFACTS
    from tests.helpers.legacy_surveys import survey_file

    user = make_user(Role.MANAGER)
    path = survey_file(tmp_path, "tcvn3")
    with sync_playwright() as playwright:
        browser, page = signed_in_page(playwright, live_server, user)
        page.goto(live_server.url + "/imports/new")
        page.set_input_files("input[name=file]", str(path))
        page.get_by_role("button", name="Tải lên và kiểm tra").click()
        run_jobs(runner)
        # No import button until the encoding is confirmed; each encoding shows its lines.
        expect(page.locator("#confirm-encoding")).to_contain_text("TCVN3", timeout=15_000)
        expect(page.locator("#commit-import")).to_have_count(0)
        expect(page.locator("#encoding-preview tr.chosen")).to_contain_text("Keo tai tượng")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "import-encoding.png"), full_page=True)
        page.locator("#encoding-preview input[value=tcvn3]").check()
        page.get_by_role("button", name="Kiểm tra lại").click()
        run_jobs(runner)
        page.get_by_role("button", name="Nhập 3 dòng sẵn sàng").click(timeout=15_000)
        run_jobs(runner)
        expect(page.get_by_role("link", name="Xem cây trên bản đồ")).to_be_visible(timeout=15_000)
        browser.close()
    notes = db.session.scalars(select(Tree.notes)).all()
    assert notes == ["Đồi Hoàng, đất dốc"] * 3
