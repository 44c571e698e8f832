"""The API's OpenAPI document: valid OpenAPI 3.1, made from every route under /api/v1 and the
very schemas that validate requests; then schemathesis drives every operation from it (bounded,
derandomised examples, valid and invalid) and no answer may be a server error, a status the
document does not list, or a body that does not match its shape."""

import contextvars

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from openapi_spec_validator import validate
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from smarttrees.extensions import db
from smarttrees.models import Role
from smarttrees.services import admin, inventory
from tests.helpers.factories import make_tree, make_user

EXAMPLES = 25  # per operation and mode: bounded, and the same examples every run
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def admin_token():
    user = make_user(Role.ADMIN)
    token = admin.issue_token(user, name="schema tests")
    make_tree()  # something to list, card and trace from
    db.session.commit()
    return token


def test_the_document_is_valid_openapi_and_covers_every_api_route(client, app):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)  # raises on any departure from OpenAPI 3.1
    assert document["openapi"] == "3.1.0"
    described = {
        (f"/api/v1{path}", method.upper())
        for path, operations in document["paths"].items()
        for method in operations
    }
    routes = {
        (rule.rule.replace("<int:", "<"), method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    as_routes = {(path.replace("{", "<").replace("}", ">"), method) for path, method in described}
    assert as_routes == routes


def test_request_bodies_are_the_schemas_that_validate_them(client):
    """The body described for POST /trees is NEW_TREE's; a value past its maximum is refused
    by the API naming the field, and one within it is not."""
    document = client.get("/api/v1/openapi.json?lang=en").get_json()
    body = document["paths"]["/trees"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"] == inventory.NEW_TREE.json_schema()
    dbh = body["schema"]["properties"]["dbh_cm"]["anyOf"][0]["anyOf"][0]
    assert dbh == {"type": "number", "exclusiveMinimum": 0, "maximum": 500}
    listing = document["paths"]["/trees"]["get"]["parameters"]
    assert {p["name"] for p in listing} == {f.name for f in inventory.TREE_LIST.fields}


def _prose(english, vietnamese, where=""):
    """(where, English, Vietnamese) of every summary, description, title and tag."""
    if isinstance(english, dict):
        for key, value in english.items():
            if key in ("summary", "description", "title") and isinstance(value, str):
                yield f"{where}/{key}", value, vietnamese[key]
            elif key == "tags":
                yield from zip([f"{where}/tags"] * len(value), value, vietnamese[key], strict=True)
            else:
                yield from _prose(value, vietnamese[key], f"{where}/{key}")
    elif isinstance(english, list):
        for index, (one, other) in enumerate(zip(english, vietnamese, strict=True)):
            yield from _prose(one, other, f"{where}/{index}")


def test_the_description_is_in_vietnamese_and_in_english_on_request(client):
    english = client.get("/api/v1/openapi.json?lang=en").get_json()
    vietnamese = client.get("/api/v1/openapi.json?lang=vi").get_json()
    pairs = list(_prose(english, vietnamese))
    assert len(pairs) > 100
    untranslated = [(where, text) for where, text, said in pairs if said == text]
    assert untranslated == []
    said = {where: text for where, _, text in pairs}
    assert said["/paths//trees/get/summary"] == "Cây, từng trang một"


def test_the_documented_maximum_is_the_one_enforced(client, admin_token):
    headers = {"Authorization": f"Bearer {admin_token}"}
    tree = client.get("/api/v1/trees?limit=1", headers=headers).get_json()["features"][0]
    too_big = client.patch(f"/api/v1/trees/{tree['id']}", json={"dbh_cm": 500.1}, headers=headers)
    assert too_big.status_code == 422
    assert set(too_big.get_json()["error"]["details"]) == {"dbh_cm"}
    at_most = client.patch(f"/api/v1/trees/{tree['id']}", json={"dbh_cm": 500}, headers=headers)
    assert at_most.status_code == 200
    assert at_most.get_json()["properties"]["dbh_cm"] == 500


def test_the_docs_page_is_served_with_local_assets(client):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "/vendor/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "/api/v1/openapi.json" in page
    assert "http://" not in page.replace("http://localhost", "")
    bundle = client.get("/vendor/swagger-ui-dist/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and len(bundle.data) > 100_000


def test_what_the_schema_run_found_is_refused_cleanly(client, admin_token):
    """Three 500s schemathesis found, each now a 4xx naming what was wrong."""
    headers = {"Authorization": f"Bearer {admin_token}"}
    # A device name that is not an object's field: JSON `true` as the body (from a session:
    # a token may not issue tokens).
    from tests.helpers.web import csrf_from, sign_in

    browser = client.application.test_client()
    sign_in(browser, Role.FIELD)
    session_write = {"X-CSRFToken": csrf_from(browser)}
    token = browser.post("/api/v1/field/token", json=True, headers=session_write)
    assert token.status_code == 422 and "body" in token.get_json()["error"]["details"]
    # A form part with no name.
    nameless = client.post(
        "/api/v1/sync",
        data=b'--b\r\nContent-Disposition: form-data; name=""\r\n\r\nx\r\n--b--\r\n',
        content_type="multipart/form-data; boundary=b",
        headers=headers,
    )
    assert nameless.status_code == 422
    assert nameless.get_json()["error"]["details"] == {"records": "a list of at most 500"}
    # An empty batch code: the answer named it with the catalogue's header, not "".
    empty = client.post("/api/v1/custody/eudr", json={"batches": [""]}, headers=headers)
    assert empty.status_code == 404
    assert "Project-Id-Version" not in empty.get_data(as_text=True)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_answers_as_described(app, admin_token, mode):
    """Valid requests, then requests the document says are invalid: every answer is one the
    document lists, with the body it describes, and none is a server error."""
    document = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in document.get_all_operations()]
    described = {
        f"{method.upper()} {path}"
        for path, methods in document.raw_schema["paths"].items()
        for method in methods
    }
    # schemathesis leaves out the document's own address; the first test reads that one.
    assert {op.label for op in operations} == described - {"GET /openapi.json"}
    headers = {"Authorization": f"Bearer {admin_token}"}
    failures = {}
    for operation in operations:

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def answers_as_described(case):
            # Each request in a context of its own, as in production.
            contextvars.Context().run(case.call_and_validate, headers=headers, checks=CHECKS)

        try:
            answers_as_described()
        except Unsatisfiable:  # nothing the document forbids can be sent (a free text path)
            assert mode == GenerationMode.NEGATIVE, operation.label
        except (Exception, BaseExceptionGroup) as failure:  # each operation's is reported
            failures[operation.label] = str(failure)[:3000]
    assert not failures, "\n\n".join(f"{label}: {text}" for label, text in failures.items())


def test_a_program_gets_messages_in_the_language_it_asks_for(client, admin_token):
    """Accept-Language is heard by the API (people's pages stay Vietnamese unless chosen);
    a tree's notes come back."""
    headers = {"Authorization": f"Bearer {admin_token}"}
    tree = client.get("/api/v1/trees?limit=1", headers=headers).get_json()["features"][0]
    bad = {"dbh_cm": 900}
    english = client.patch(
        f"/api/v1/trees/{tree['id']}",
        json=bad,
        headers=headers | {"Accept-Language": "en-US,en;q=0.9"},
    )
    assert english.get_json()["error"]["details"]["dbh_cm"].startswith("DBH must be")
    vietnamese = client.patch(f"/api/v1/trees/{tree['id']}", json=bad, headers=headers)
    assert vietnamese.get_json()["error"]["details"]["dbh_cm"].startswith("D1.3 phải")
    assert (
        client.get("/login", headers={"Accept-Language": "en"})
        .get_data(as_text=True)
        .count("Đăng nhập")
        > 0
    )
    noted = client.patch(
        f"/api/v1/trees/{tree['id']}", json={"notes": "Gốc bị mối"}, headers=headers
    )
    assert noted.get_json()["properties"]["notes"] == "Gốc bị mối"


def test_a_session_write_without_its_csrf_header_is_told_what_is_missing(client):
    from tests.helpers.web import sign_in

    sign_in(client, Role.FIELD)
    answer = client.post("/api/v1/field/token", json={"device": "tablet"})
    assert answer.status_code == 400
    assert "X-CSRFToken" in answer.get_json()["error"]["message"]
