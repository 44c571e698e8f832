"""Property-based tests of the doors (issue 13, "Inputs"): the JSON API, the sync, the tiles, the
reports, OGC API – Features and two forms, driven with arbitrary values (NUL, astral and
non-ASCII digits, huge numbers, NaN and Infinity, far dates). Whatever is sent, the answer is
never a 5xx; a refusal (4xx) names at least one field of that door in error.details (a form page
marks one); a refused request writes nothing; a sync batch reports each record truly."""

import uuid
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from smarttrees.extensions import db
from smarttrees.importers.points import parse_number
from smarttrees.labels.vn_format import vn_number
from smarttrees.models import LotEventKind, Role
from smarttrees.services import admin, custody
from smarttrees.services.interop.collections import COLLECTIONS
from smarttrees.services.interop.features import ITEM_PARAMETERS
from smarttrees.services.inventory.inspections import INSPECTION_FIELDS
from tests.helpers.factories import make_stand, make_tree, make_user, species_named, tree_fields
from tests.helpers.web import csrf_from, sign_in

DOOR = settings(
    max_examples=100,
    deadline=None,
    derandomize=False,
    database=None,  # no example database kept between runs
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- the values sent --------------------------------------------------------------------------

BIG = ["1e30", "1e309", "9" * 40]  # past what a column that rounds to its places can hold
ENDLESS = "9" * 4400  # more digits than int() reads
NASTY = ["\x00", "²", "١٢", "٣", "１２", "𝟙", "🌳", "NaN", "nan", "Infinity", "-Infinity", "-0",
         "1_000", "12.000", "32,5", "e\u0301", "Đ", " ", "\u00a0", "0001-01-01", "9999-12-31",
         "31/12/1899", "01/01/0001", "29/02/2023", "1899-12-31T23:59:59Z",
         "2999-01-01T00:00:00+00:00", "0001-01-01T00:00:00+14:00", "true", "[]", "{}"]  # fmt: skip


def _texts(pieces: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(max_size=20),
        st.lists(st.one_of(st.sampled_from(pieces), st.text(max_size=4)), max_size=4).map("".join),
    )


def _values(texts: st.SearchStrategy[str], *, big: int = 10**40) -> st.SearchStrategy:
    """What a JSON body can hold (Python's JSON writes and reads NaN and Infinity too)."""
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-big, max_value=big),
        st.floats(),
        texts,
        st.lists(st.integers(), max_size=2),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=1),
    )


def _without_nul(texts: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return texts.map(lambda t: t.replace("\x00", ""))


any_text = _texts([*NASTY, *BIG, ENDLESS])
any_value = _values(_texts([*NASTY, *BIG, ENDLESS, "\ud800"]))
# Values some doors still pass unrefused to the database or to int() (issue 13, each reported
# with its door): a NUL in an id, a code or a search; an endless digit string in a query; digits
# of other scripts in a tile's address or filters, or a ten-digit year among those filters; a
# JSON list or object as a sync record's type; a number past 10^24 where a column rounds to its
# places. The strategies below leave each out where it still fails, so that the suite stays
# green: widen them as the refusals land.
LONE_SURROGATE = "\ud800"  # JSON may carry one ("\\ud800"); UTF-8 cannot
any_json_text = _texts([*NASTY, *BIG, ENDLESS, LONE_SURROGATE])
id_text = any_json_text
id_value = _values(any_json_text)
query_text = _texts([*NASTY, *BIG, ENDLESS])  # a URL cannot carry a lone surrogate
tile_text = query_text
record_type = _values(query_text)
modest_value = _values(any_json_text)
path_text = query_text.filter(lambda t: t.strip() and "/" not in t)  # a path part, never empty


def _overrides(names, values=any_value, **special) -> st.SearchStrategy[dict]:
    """Some of the door's fields set to arbitrary values (`special` names their own)."""
    names = sorted(set(names) - set(special))
    plain = st.dictionaries(st.sampled_from(names), values, max_size=4)
    chosen = st.fixed_dictionaries({}, optional=special)
    return st.tuples(plain, chosen).map(lambda both: {**both[0], **both[1]})


# --- what every answer must be ----------------------------------------------------------------


def _send(client, method: str, url: str, **request):
    """The app's answer; an exception escaping the app (a 500 in production) fails the test
    with the request that raised it."""
    try:
        return client.open(url, method=method, **request)
    except Exception as error:  # any escape is the failure looked for
        pytest.fail(f"500: {method} {url} {request!r} raised {error!r}"[:2000])


def _answered(response, fields: set[str]) -> dict | None:
    """Never a 5xx; a refusal in the one error shape, naming at least one of the door's fields."""
    said = response.get_data()[:1500].decode("utf-8", "replace")
    shown = f"{response.request.method} {response.request.url}: {response.status_code} {said}"
    assert response.status_code < 500, shown
    event(f"answered {response.status_code}")  # hypothesis --hypothesis-show-statistics
    if response.status_code < 400:
        return None
    error = response.get_json()["error"]
    assert isinstance(error["details"], dict) and error["details"], shown
    assert set(error["details"]) <= fields, shown
    return error


def _counts(*tables: str) -> dict[str, int]:
    return {t: db.session.scalar(text(f"SELECT count(*) FROM {t}")) for t in tables}


# --- JSON bodies ------------------------------------------------------------------------------

TREE_FIELDS = {"lon", "lat", "species_id", "category", "dbh_cm", "height_m", "crown_m",
               "condition", "planted_on", "notes", "code", "client_id"}  # fmt: skip
# A position the service cannot read is "location"; text no column stores is named as sent.
TREE_ERRORS = TREE_FIELDS | {"location", "body"}


@DOOR
@given(changes=_overrides(TREE_FIELDS, client_id=id_value), body_is_object=st.booleans())
def test_planting_a_tree_by_the_api_answers_every_value(client, changes, body_is_object):
    headers = _once("field", lambda: _bearer(Role.FIELD))
    body = {**_base_tree(), **changes} if body_is_object else changes.get("notes", [])
    before = _counts("trees", "inspections")
    response = _send(client, "POST", "/api/v1/trees", json=body, headers=headers)
    if _answered(response, TREE_ERRORS):
        assert _counts("trees", "inspections") == before
    else:
        assert response.status_code == 201


INSPECTION_ERRORS = {*INSPECTION_FIELDS, "client_id", "inspected_at", "base_updated_at",
                     "circumference_cm", "location", "form", "code", "body"}  # fmt: skip
INSPECTION_SENT = INSPECTION_ERRORS - {"form", "code", "body", "location"}


@DOOR
@given(
    changes=_overrides(INSPECTION_SENT, client_id=id_value),
    code=st.one_of(st.none(), st.none(), path_text),
)
def test_inspecting_a_tree_by_the_api_answers_every_value(client, changes, code):
    headers = _once("field", lambda: _bearer(Role.FIELD))
    code = code or _once("tree", lambda: make_tree().code)
    body = {"client_id": str(uuid.uuid4()), "dbh_cm": "30", **changes}
    before = _counts("trees", "inspections")
    url = f"/api/v1/trees/{quote(code, safe='')}/inspections"
    response = _send(client, "POST", url, json=body, headers=headers)
    if _answered(response, INSPECTION_ERRORS):
        assert _counts("trees", "inspections") == before


@DOOR
@given(
    records=st.lists(
        st.tuples(
            st.sampled_from(["tree", "inspection", "inspection"]),
            _overrides(
                TREE_FIELDS | INSPECTION_SENT, client_id=id_value, code=id_value, type=record_type
            ),
        ),
        max_size=4,
    ),
    again=st.booleans(),
)
def test_a_sync_batch_reports_each_record_truly_and_writes_only_what_it_says(
    client, records, again
):
    headers = _once("field", lambda: _bearer(Role.FIELD))
    tree = _once("tree", lambda: make_tree().code)
    sent = [_record(kind, tree, changes) for kind, changes in records]
    if again and sent:
        sent.append(dict(sent[0]))  # the same record again: a duplicate, never a second copy
    before = _counts("trees", "inspections")
    response = _send(client, "POST", "/api/v1/sync", json={"records": sent}, headers=headers)
    assert response.status_code < 500  # never a server error; what follows checks the rest
    _answered(response, {"records"})
    results = response.get_json()["results"]
    assert len(results) == len(sent)
    created = {"tree": 0, "inspection": 0}
    for record, result in zip(sent, results, strict=True):
        assert result["status"] in ("created", "duplicate", "rejected"), result
        if result["status"] == "rejected":  # refused for a reason it names, never a crash
            assert result["error"]["code"] != "server_error", (record, result)
            assert result["error"]["details"], (record, result)
        elif result["status"] == "created":
            created[record["type"]] += 1
        event(f"record {result['status']}")
    after = _counts("trees", "inspections")
    assert after["trees"] - before["trees"] == created["tree"], (sent, results)
    assert after["inspections"] - before["inspections"] == created["inspection"], (sent, results)


EVENT_FIELDS = {"kind", "quantity", "losses", "stand_id", "counterparty", "document", "reason",
                "notes", "client_id", "occurred_at", "occurred_on", "trees"}  # fmt: skip


@DOOR
@given(
    kind=st.one_of(st.sampled_from([k.value for k in LotEventKind]), any_value),
    changes=_overrides(EVENT_FIELDS - {"kind"}, trees=id_value),
    code=st.one_of(st.none(), st.none(), path_text),
)
def test_a_lot_event_by_the_api_answers_every_value(client, kind, changes, code):
    headers = _once("field", lambda: _bearer(Role.FIELD))
    lot_code, stand_id = _once("lot", _lot)
    body = {"kind": kind, "quantity": "10", "counterparty": "Hộ bà Lan", "reason": "héo",
            "stand_id": stand_id, **changes}  # fmt: skip
    before = _counts("lot_events", "seedling_lots", "trees")
    url = f"/api/v1/lots/{quote(code or lot_code, safe='')}/events"
    response = _send(client, "POST", url, json=body, headers=headers)
    if _answered(response, EVENT_FIELDS | {"code", "body"}):
        assert _counts("lot_events", "seedling_lots", "trees") == before


# --- query strings ----------------------------------------------------------------------------

bbox_text = st.lists(
    st.one_of(st.floats(), st.sampled_from(["nan", "inf", "-inf", "1e309", "", "²"])),
    min_size=3,
    max_size=5,
).map(lambda parts: ",".join(str(p) for p in parts))


def _args(names, values=query_text) -> st.SearchStrategy[dict]:
    return st.dictionaries(
        st.sampled_from(sorted(names)),
        st.one_of(values, bbox_text, st.integers(-(10**30), 10**30).map(str)),
        max_size=4,
    )


LIST_ARGS = {"bbox", "limit", "cursor", "species_id", "category", "condition", "commune_id", "q"}


@DOOR
@given(args=_args(LIST_ARGS))
def test_listing_trees_answers_every_query(client, args):
    headers = _once("field", lambda: _bearer(Role.FIELD))
    _once("tree", lambda: make_tree().code)
    response = _send(client, "GET", f"/api/v1/trees?{urlencode(args)}", headers=headers)
    assert response.status_code < 500  # never a server error; what follows checks the rest
    _answered(response, LIST_ARGS)  # q too: text a database cannot store is refused, named


TILE_ARGS = {"species", "category", "condition", "commune", "year", "batch"}
tile_part = st.one_of(st.integers(0, 30).map(str), tile_text.filter(lambda t: t and "/" not in t))


@DOOR
@given(
    z=tile_part,
    x=tile_part,
    y=tile_part,
    args=st.dictionaries(st.sampled_from(sorted(TILE_ARGS)), tile_text, max_size=3),
)
def test_a_tree_tile_answers_every_address(client, z, x, y, args):
    headers = _once("field", lambda: _bearer(Role.FIELD))
    _once("tree", lambda: make_tree().code)
    parts = "/".join(quote(p, safe="") for p in (z, x, y))
    response = _send(client, "GET", f"/tiles/trees/{parts}.pbf?{urlencode(args)}", headers=headers)
    assert response.status_code < 500  # never a server error; what follows checks the rest
    _answered(response, TILE_ARGS | {"z", "x", "y"})


CARBON_ARGS = {"category", "species_id", "commune_id", "year", "commune"}


@DOOR
@given(args=_args(CARBON_ARGS, any_text))
def test_the_carbon_report_answers_every_filter(client, args):
    headers = _once("field", lambda: _bearer(Role.FIELD))
    response = _send(client, "GET", f"/api/v1/reports/carbon?{urlencode(args)}", headers=headers)
    assert response.status_code < 500  # never a server error; what follows checks the rest
    _answered(response, CARBON_ARGS)


OGC_ARGS = set(ITEM_PARAMETERS) - {"f"} | set(COLLECTIONS["trees"].queryables)


@DOOR
@given(
    args=_args(OGC_ARGS | {"unknown"}),
    days=st.lists(
        st.one_of(st.dates().map(str), st.sampled_from(["..", "0000-01-01"])), max_size=3
    ),
)
def test_ogc_items_answer_every_query(client, args, days):
    headers = _once("field", lambda: _bearer(Role.FIELD))
    _once("tree", lambda: make_tree().code)
    if days:
        args["datetime"] = "/".join(days)
    url = f"/ogcapi/collections/trees/items?{urlencode(args)}"
    response = _send(client, "GET", url, headers=headers)
    assert response.status_code < 500  # never a server error; what follows checks the rest
    _answered(response, OGC_ARGS | {"unknown"})


# --- forms ------------------------------------------------------------------------------------


def _form_answered(response, table: str, before: dict) -> None:
    """A form goes on (302) or comes back (422) marking a field, having written nothing."""
    page = response.get_data(as_text=True)
    assert response.status_code in (302, 422), page[:1500]
    event(f"answered {response.status_code}")
    if response.status_code == 422:
        assert 'role="alert"' in page
        assert _counts(table) == before


@DOOR
@given(changes=_overrides(TREE_FIELDS, client_id=id_value))
def test_the_new_tree_form_answers_every_value(client, changes):
    csrf = _once("csrf", lambda: _signed_in(client, Role.FIELD, "/trees/new"))
    form = {**_base_tree(), **{name: _form_value(v) for name, v in changes.items()}}
    before = _counts("trees")
    response = _send(client, "POST", "/trees/new", data={**form, "csrf_token": csrf})
    assert response.status_code < 500  # never a server error; what follows checks the rest
    _form_answered(response, "trees", before)


HARVEST_FIELDS = {"stand_id", "harvested_on", "area_ha", "planned_volume_m3", "owner", "document"}


@DOOR
@given(changes=_overrides(HARVEST_FIELDS, modest_value))
def test_the_harvest_form_answers_every_value(client, changes):
    csrf = _once("csrf", lambda: _signed_in(client, Role.MANAGER, "/harvests"))
    form = {"stand_id": _once("stand", lambda: make_stand().id), "harvested_on": "01/02/2024",
            "area_ha": "1,5"} | {name: _form_value(v) for name, v in changes.items()}  # fmt: skip
    before = _counts("harvests")
    response = _send(client, "POST", "/harvests", data={**form, "csrf_token": csrf})
    assert response.status_code < 500  # never a server error; what follows checks the rest
    _form_answered(response, "harvests", before)


# --- the import's SQL readers (survey numbers, size classes, dates) ---------------------------

sql_text = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=24),
    st.lists(st.sampled_from([*"0123456789.,- –eE+", " ", "\u00a0", "07-12", "1e99", "1e400",
                              "9" * 40, "nan", "²", "١٢"]), max_size=8).map("".join),
)  # fmt: skip


@settings(max_examples=300, deadline=None, derandomize=False, database=None)
@given(value=sql_text)
def test_the_imports_sql_readers_give_a_finite_value_or_null_never_an_error(app, value):
    number, middle, day = db.session.execute(
        text("SELECT import_number(:v), import_class_middle(:v), import_date(:v)"), {"v": value}
    ).one()
    for read in (number, middle):
        assert read is None or abs(read) < float("inf")
    assert day is None or 1 <= day.year <= 9999


@settings(max_examples=200, deadline=None, derandomize=False, database=None)
@given(
    number=st.decimals(min_value=-(10**9), max_value=10**9, places=3),
    places=st.integers(1, 3),
    low=st.decimals(min_value=0, max_value=500, places=1),
    width=st.decimals(min_value=0, max_value=499, places=1),
    dash=st.sampled_from(["-", " - ", "–", " – "]),
)
def test_sql_and_python_read_a_vietnamese_number_and_a_size_class_alike(
    app, number, places, low, width, dash
):
    written = vn_number(number, places)  # 12.345,600
    high = low + width
    size_class = f"{vn_number(low, 1)}{dash}{vn_number(high, 1)}"  # 7,5 - 12,0
    read, middle = db.session.execute(
        text("SELECT import_number(:w), import_class_middle(:c)"), {"w": written, "c": size_class}
    ).one()
    assert read == pytest.approx(parse_number(written), rel=1e-12, abs=1e-9)
    assert middle == pytest.approx(float(low + high) / 2, abs=1e-9)


# --- the data the doors are driven against ----------------------------------------------------

# Made once per test: hypothesis runs a test's examples in one database, emptied after it.
_MADE: dict = {}


@pytest.fixture(autouse=True)
def _made_per_test(app):
    _MADE.clear()
    yield
    _MADE.clear()


def _once(key: str, make):
    if key not in _MADE:
        _MADE[key] = make()
    return _MADE[key]


def _bearer(role: Role) -> dict:
    return {"Authorization": "Bearer " + admin.issue_token(make_user(role), name="property")}


def _signed_in(client, role: Role, page: str) -> str:
    """Sign a new user of the role in through the login form; the CSRF token of `page`."""
    sign_in(client, role)
    return csrf_from(client, page)


def _base_tree() -> dict:
    return dict(_once("base", tree_fields))


def _record(kind: str, tree_code: str, changes: dict) -> dict:
    base = _base_tree() if kind == "tree" else {"code": tree_code, "dbh_cm": "30"}
    return {"type": kind, "client_id": str(uuid.uuid4()), **base, **changes}


def _lot() -> tuple[str, int]:
    """A lot of 100,000 sown seedlings, and a stand to plant them in."""
    nursery = custody.create_nursery(name="Vườn ươm thử")
    lot = custody.create_lot(
        species_id=species_named("Acacia mangium").id, nursery_id=nursery.id, seed_source=None
    )
    custody.record_event(lot, LotEventKind.SOWN, 100_000)
    return lot.code, make_stand().id


def _form_value(value) -> str:
    """What a browser can send for a JSON value: text."""
    return "" if value is None else str(value).encode("utf-8", "replace").decode()


other_digits = st.text(
    st.characters(categories=["Nd", "No"]).filter(lambda c: not c.isascii()),
    min_size=1,
    max_size=3,
)


@DOOR
@given(part=st.sampled_from(["z", "x", "y"]), digits=other_digits)
def test_a_tile_address_in_other_digits_is_refused_naming_its_part(client, part, digits):
    headers = _once("field", lambda: _bearer(Role.FIELD))
    address = {"z": "0", "x": "0", "y": "0", part: digits}
    url = "/tiles/trees/{z}/{x}/{y}.pbf".format(**{k: quote(v) for k, v in address.items()})
    response = _send(client, "GET", url, headers=headers)
    assert response.status_code == 400, (url, response.status_code)
    assert set(response.get_json()["error"]["details"]) == {part}
