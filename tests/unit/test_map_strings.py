"""Every text the province map's script shows is handed to it translated."""

import re

from babel.messages.pofile import read_po

from smarttrees.config import ROOT
from smarttrees.web.map import MAP_STRINGS

SCRIPT = ROOT / "static" / "js" / "province-map.js"
CATALOGUE = ROOT / "smarttrees" / "translations" / "vi" / "LC_MESSAGES" / "messages.po"


def test_every_text_of_the_map_script_is_handed_over_and_translated():
    used = set(re.findall(r'(?<![\w.])t\("([^"]+)"\)', SCRIPT.read_text()))
    assert used - set(MAP_STRINGS) == set()
    with CATALOGUE.open("rb") as handle:
        vietnamese = {m.id: m.string for m in read_po(handle) if m.id}
    assert [text for text in MAP_STRINGS if not vietnamese.get(text)] == []
