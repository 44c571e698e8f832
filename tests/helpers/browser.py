"""A live server in a thread and headless Debian Chromium (Playwright), for page tests."""

import shutil
import threading
from pathlib import Path
from urllib.parse import urlsplit

from werkzeug.serving import make_server

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class LiveServer:
    """The app served on a free local port until stopped."""

    def __init__(self, app) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise RuntimeError("Chromium is missing: make test installs Debian's chromium package")
    return path


class OffsiteRequests:
    """Refuses, and records, every request that leaves the local server (no CDN, no internet);
    records as well whatever the page's Content Security Policy blocked (a script the app
    wrote without its nonce would not run)."""

    def __init__(self, page, base_url: str) -> None:
        self.blocked: list[str] = []
        self.host = urlsplit(base_url).netloc
        page.route("**/*", self._route)
        page.on("console", self._console)

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.blocked.append("CSP: " + message.text)

    def _route(self, route) -> None:
        if urlsplit(route.request.url).netloc == self.host:
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()


def write_y4m(image, path: Path, *, size=(640, 480), frames: int = 10) -> Path:
    """A still image as a YUV4MPEG2 video, for Chromium's fake camera."""
    from PIL import Image

    frame = Image.new("L", size, 235)
    picture = image.convert("L")
    picture.thumbnail((size[0] - 40, size[1] - 40))
    frame.paste(picture, ((size[0] - picture.width) // 2, (size[1] - picture.height) // 2))
    luma = frame.tobytes()
    chroma = bytes([128]) * (size[0] // 2 * size[1] // 2)
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{size[0]} H{size[1]} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + luma + chroma + chroma)
    return path


def sign_in_page(page, base: str, user) -> None:
    """Sign the user in through the Vietnamese login form, and wait until it has let them in."""
    from tests.helpers.factories import PASSWORD

    page.goto(base + "/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/login" not in url)
