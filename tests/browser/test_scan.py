"""Scanning a printed label with a camera, in a real headless Chromium with a fake camera."""

import subprocess

from PIL import Image
from playwright.sync_api import expect, sync_playwright

from smarttrees.labels.sheets import register_fonts
from smarttrees.services import labels
from tests.helpers.browser import (
    ARTIFACTS,
    CHROMIUM_FLAGS,
    OffsiteRequests,
    chromium_path,
    write_y4m,
)
from tests.helpers.factories import make_tree


def label_video(app, tree, base_url: str, tmp_path):
    """The tree's printed tag, rasterised, as the picture a phone camera would see."""
    fonts = register_fonts(app.config["LABEL_FONT"], app.config["LABEL_FONT_BOLD"])
    pdf = tmp_path / "tag.pdf"
    with pdf.open("wb") as out:
        labels.write_labels(
            labels.Selection(codes=(tree.code,)),
            out,
            base_url=base_url,
            layout="tag-50x30",
            fonts=fonts,
        )
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-singlefile", str(pdf), str(tmp_path / "tag")],
        check=True,
    )
    return write_y4m(Image.open(tmp_path / "tag.png"), tmp_path / "camera.y4m")


def test_a_label_shown_to_the_camera_opens_its_tree(app, live_server, public_map, tmp_path):
    tree = make_tree()
    video = label_video(app, tree, live_server.url, tmp_path)
    flags = [
        *CHROMIUM_FLAGS,
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=flags)
        context = browser.new_context(viewport={"width": 412, "height": 860})
        context.grant_permissions(["camera"], origin=live_server.url)
        page = context.new_page()
        offsite = OffsiteRequests(page, live_server.url)
        page.goto(live_server.url + "/scan")
        page.wait_for_url(f"**/t/{tree.code}", timeout=30_000)
        expect(page.locator("h1")).to_contain_text(tree.code)
        expect(page.locator(".species")).to_contain_text("Bằng lăng nước")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "scanned-tree.png"), full_page=True)
        assert offsite.blocked == []
        browser.close()
