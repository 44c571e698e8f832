"""One check at the door of every request: text a database cannot store (a NUL byte, half of
a UTF-16 surrogate pair) is refused wherever it comes (the path, the query string, a form, a
JSON body), naming where, before any view or service sees it."""

from collections.abc import Iterator
from typing import Any

from flask import Flask, request

from smarttrees.errors import NotFound, ValidationFailed
from smarttrees.inputs import UNSTORABLE, storable

RECORD_BY_RECORD = ("/api/v1/sync",)


def _strings(value: Any, where: str) -> Iterator[tuple[str, str]]:
    """Every string of a JSON value (keys too), with where it is (records.0.notes)."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(str(key), where or str(key))
            yield from _strings(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{where}.{index}" if where else str(index))


def refuse_unstorable_text() -> None:
    for name, value in (request.view_args or {}).items():  # a code in the address
        if isinstance(value, str) and not storable(value):
            where = name.removesuffix("_id")  # <feature_id> is the feature the address names
            raise NotFound("Nothing was found at this address.", details={where: UNSTORABLE})
    if not storable(request.path):
        raise NotFound("Nothing was found at this address.")
    fields = [*request.args.items(multi=True)]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        fields += [*request.form.items(multi=True)]
    # A phone's sync is checked record by record (one bad record must not stop the others).
    if request.is_json and request.path not in RECORD_BY_RECORD:
        fields += list(_strings(request.get_json(silent=True), ""))
    for name, value in fields:
        name, value = name or "", value or ""  # a form part may come without a name
        if not (storable(name) and storable(value)):
            where = (name if storable(name) else "field") or "body"
            raise ValidationFailed("Some fields are not valid.", details={where: UNSTORABLE})


def register(app: Flask) -> None:
    app.before_request(refuse_unstorable_text)
