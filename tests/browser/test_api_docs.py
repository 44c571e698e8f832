"""The API's description in a real headless Chromium: Swagger UI served by the app draws every
operation from /api/v1/openapi.json, a signed-in developer tries GET /trees from the page and
reads the real answer; nothing is fetched from outside and the page's policy blocks nothing."""

from playwright.sync_api import expect, sync_playwright

from smarttrees.models import Role
from tests.helpers.browser import (
    ARTIFACTS,
    CHROMIUM_FLAGS,
    OffsiteRequests,
    chromium_path,
    sign_in_page,
)
from tests.helpers.factories import make_tree, make_user


def test_a_developer_reads_the_api_and_tries_the_tree_list(live_server, client):
    tree = make_tree()
    operations = sum(
        len(m) for m in client.get("/api/v1/openapi.json").get_json()["paths"].values()
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        offsite = OffsiteRequests(page, live_server.url)
        sign_in_page(page, live_server.url, make_user(Role.VIEWER))
        page.goto(f"{live_server.url}/api/v1/docs")
        expect(page.locator(".opblock")).to_have_count(operations)
        expect(page.locator("h1").first).to_have_text("Mô tả API")

        expect(page.get_by_text("Cây, từng trang một")).to_be_visible()  # in the page's language
        listing = page.locator("[id$='-list_trees']")
        listing.locator(".opblock-summary").click()
        listing.get_by_role("button", name="Try it out").click()
        listing.get_by_role("button", name="Execute").click()
        answer = listing.locator(".live-responses-table tbody .response-col_status").first
        expect(answer).to_have_text("200")
        expect(listing.locator(".live-responses-table .microlight").first).to_contain_text(
            tree.code
        )
        page.screenshot(path=str(ARTIFACTS / "api-docs-desktop.png"), full_page=False)

        page.set_viewport_size({"width": 390, "height": 844})
        page.reload()
        expect(page.locator(".opblock")).to_have_count(operations)
        width = page.evaluate("document.documentElement.scrollWidth")
        page.screenshot(path=str(ARTIFACTS / "api-docs-phone.png"), full_page=False)
        browser.close()
    assert width <= 390 + 1
    assert offsite.blocked == []
