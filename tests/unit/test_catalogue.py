"""No string is left untranslated in Vietnamese: every message of the pages, the scripts'
strings handed over by the views, and the errors the services raise (the first argument of
each error class) has a Vietnamese translation in the catalogue."""

import ast
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "smarttrees" / "translations" / "vi" / "LC_MESSAGES" / "messages.po"
METHODS = [("smarttrees/**.py", "python"), ("smarttrees/templates/**.html", "jinja2")]
BASE_ERRORS = {
    "DomainError",
    "ValidationFailed",
    "NotFound",
    "Conflict",
    "Forbidden",
    "Unauthorized",
}


def _error_classes() -> set[str]:
    """The error classes of the app: their first argument is a message users read."""
    names = set(BASE_ERRORS)
    for path in (ROOT / "smarttrees").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and any(
                getattr(base, "id", None) in BASE_ERRORS for base in node.bases
            ):
                names.add(node.name)
    return names


def test_every_message_has_a_vietnamese_translation():
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    keywords["N_"] = None  # messages a pure module marks for its caller to translate
    keywords |= {name: None for name in _error_classes()}
    found = extract_from_dir(str(ROOT), METHODS, keywords=keywords)
    catalogue = read_po(CATALOGUE.open("rb"))
    missing = set()
    for filename, _line, message, _comments, _context in found:
        msgid = message if isinstance(message, str) else message[0]
        entry = catalogue.get(msgid)
        if msgid and (entry is None or not entry.string):
            missing.add((msgid, filename))
    assert sorted(missing) == []


def test_every_eudr_rule_reads_in_vietnamese():
    """The EUDR check's messages and fixes are shown translated on the shipment page."""
    from smarttrees.geo.eudr import CATALOGUE as EUDR

    catalogue = read_po(CATALOGUE.open("rb"))
    texts = {text for kind in EUDR.values() for text in (kind.message, kind.fix)}
    assert sorted(t for t in texts if not (catalogue.get(t) and catalogue.get(t).string)) == []


def test_the_catalogue_names_each_message_once():
    """A message written twice keeps only one of its translations, silently."""
    import re
    from collections import Counter

    ids = re.findall(r'^msgid "(.+)"$', CATALOGUE.read_text(), re.M)
    assert [msgid for msgid, times in Counter(ids).items() if times > 1] == []


def test_every_value_the_pages_name_reads_in_vietnamese():
    """Enum values are shown through _(value): roles, events, products, their origins."""
    from smarttrees.models import (
        BatchOrigin,
        Condition,
        LotEventKind,
        ProductKind,
        Propagation,
        Role,
        TreeCategory,
    )
    from smarttrees.services.custody.deforestation import VERDICTS

    catalogue = read_po(CATALOGUE.open("rb"))
    kinds = (BatchOrigin, Condition, LotEventKind, ProductKind, Propagation, Role, TreeCategory)
    values = {member.value for kind in kinds for member in kind} | set(VERDICTS)
    assert sorted(v for v in values if not (catalogue.get(v) and catalogue.get(v).string)) == []
