"""A live server in a thread and headless Debian Chromium (Playwright), for page tests."""

import shutil
import threading
from pathlib import Path
from urllib.parse import urlsplit

from werkzeug.serving import make_server

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
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
    """Refuses, and records, every request that leaves the local server (no CDN, no internet)."""

    def __init__(self, page, base_url: str) -> None:
        self.blocked: list[str] = []
        self.host = urlsplit(base_url).netloc
        page.route("**/*", self._route)

    def _route(self, route) -> None:
        if urlsplit(route.request.url).netloc == self.host:
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()
