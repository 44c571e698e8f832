"""Every page a user can reach, walked in Vietnamese: no English left on it.

The walk starts at the home page and the table of routes, signed in as an admin over the demo
inventory, and follows every link of the app's own pages (a few pages per kind of page). Each
page's visible text and its titles, placeholders and labels are checked two ways: a text that
is an English message the catalogue translates was rendered untranslated, and a text with plain
English words in it was never put through the catalogue.
"""

import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

from babel.messages.pofile import read_po
from sqlalchemy import select

from smarttrees.extensions import db
from smarttrees.models import ImportBatch, Role, Tree
from smarttrees.services.admin import demo
from tests.db.test_authorization import ROUTES
from tests.helpers.imports import run_jobs, upload
from tests.helpers.web import sign_in

CATALOGUE = Path(__file__).parents[2] / "smarttrees/translations/vi/LC_MESSAGES/messages.po"
# Words that Vietnamese never writes alone: a text holding one is English.
ENGLISH = re.compile(
    r"\b(the|of|and|is|are|this|that|with|from|not|by|its|has|have|was|will|each|your|"
    r"you|there|which|been|would|should|were|here|into|please|click|select|none)\b",
    re.IGNORECASE,
)
SKIPPED = (".pdf", ".csv", ".xlsx", ".geojson", ".json", ".pbf", ".gpkg", ".zip", ".kml", ".png")
NOT_WALKED = ("/logout", "/static/", "/vendor/", "/tiles/", "/api/", "/photos/")
PAGES_PER_KIND = 3
# One good row, one with a DBH that is not a number, one outside the province.
SURVEY = (
    "Mã cây,Loài cây,D1.3,Kinh độ,Vĩ độ\n1,Keo tai tượng,12,105.81,21.59\n"
    "2,Sấu,abc,105.82,21.60\n3,Sấu,20,36.8,-1.3\n"
).encode()
ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
HIDDEN = ("script", "style", "code", "pre")


class PageText(HTMLParser):
    """The visible text of a page, its labelling attributes and its links."""

    def __init__(self):
        super().__init__()
        self.texts, self.links, self._hiding = [], [], []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        # Not the UI's words: code, and a citation marked as in another language (a
        # publication's title).
        if tag in HIDDEN or (tag == "cite" and values.get("lang", "vi") != "vi"):
            self._hiding.append(tag)
        self.texts += [values[name] for name in ATTRIBUTES if values.get(name)]
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])

    def handle_endtag(self, tag):
        if self._hiding and self._hiding[-1] == tag:
            self._hiding.pop()

    def handle_data(self, data):
        if not self._hiding and data.strip():
            self.texts.append(" ".join(data.split()))


def _translated_msgids() -> set[str]:
    catalogue = read_po(CATALOGUE.open("rb"))
    return {
        m.id for m in catalogue if isinstance(m.id, str) and m.id and m.string and m.string != m.id
    }


def _kind(path: str) -> str:
    """Pages of one kind share a path once their codes and numbers are taken out."""
    return re.sub(r"/[A-Z0-9][A-Za-z0-9-]*\d[A-Za-z0-9-]*", "/<code>", path)


def _seeds(filled: dict[str, str]) -> list[str]:
    """The home page, the OGC API's pages for people, and every page of the routes' table."""
    paths = [path.format(**filled) for method, path, _who in ROUTES.values() if method == "GET"]
    return ["/", "/ogcapi/?f=html"] + [p for p in paths if not urlsplit(p).path.endswith(SKIPPED)]


def _walk(client, filled: dict[str, str]) -> dict[str, list[str]]:
    """Each page walked, with the texts on it."""
    queue, seen, kinds, pages = _seeds(filled), set(), Counter(), {}
    while queue:
        path = urldefrag(queue.pop(0))[0]
        if path in seen or kinds[_kind(urlsplit(path).path)] >= PAGES_PER_KIND:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        kinds[_kind(urlsplit(path).path)] += 1
        parser = PageText()
        parser.feed(response.get_data(as_text=True))
        pages[path] = parser.texts
        queue += [link for link in parser.links if _walkable(link)]
    return pages


def _walkable(link: str) -> bool:
    path = urlsplit(link).path
    return (
        link.startswith("/")
        and not link.startswith("//")
        and not path.endswith(SKIPPED)
        and not path.startswith(NOT_WALKED)
        and "lang=" not in link  # the language switch: the walk stays in Vietnamese
        and ("f=json" not in link and "f=geojson" not in link)  # the OGC API's data
    )


def test_no_page_a_user_reaches_shows_english_in_the_vietnamese_ui(client, runner, upload_dir):
    demo.load_demo(trees=300)
    sign_in(client, Role.ADMIN)
    upload(client, SURVEY, "khao_sat.csv", source="doi-1")  # an import waiting for review
    run_jobs(runner)
    batch = db.session.scalar(select(ImportBatch.id))
    tree = db.session.scalar(select(Tree.code).limit(1))
    pages = _walk(client, {"tree": tree, "batch": str(batch)})
    assert len(pages) > 60  # the walk reached the app, not just the home page
    assert f"/imports/{batch}" in pages and f"/t/{tree}" in pages
    msgids = _translated_msgids()
    english = {
        (path, text)
        for path, texts in pages.items()
        for text in texts
        if text in msgids or ENGLISH.search(text)
    }
    assert sorted(english) == []
