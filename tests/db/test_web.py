"""HTML pages: sign-in with CSRF, roles, lists, forms with field errors, Vietnamese first."""

import re

import pytest
from sqlalchemy import func, select

from smarttrees.extensions import db
from smarttrees.models import Role, Tree
from smarttrees.services import inventory
from tests.helpers.factories import PASSWORD, make_tree, make_user, tree_fields
from tests.helpers.web import csrf_from, sign_in

pytestmark = pytest.mark.external


def test_pages_ask_for_sign_in(client):
    response = client.get("/trees")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_wrong_password_is_refused(client):
    user = make_user()
    response = client.post(
        "/login", data={"email": user.email, "password": "nope", "csrf_token": csrf_from(client)}
    )
    assert response.status_code == 401
    assert "Sai email hoặc mật khẩu." in response.get_data(as_text=True)


def test_a_form_without_csrf_token_is_refused(client):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "Biểu mẫu đã hết hạn" in response.get_data(as_text=True)


def test_sign_in_and_out(client):
    sign_in(client, Role.VIEWER)
    assert client.get("/").status_code == 200
    token = csrf_from(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302


def test_the_interface_is_vietnamese_and_english_on_request(client):
    sign_in(client, Role.VIEWER)
    assert "Cây xanh" in client.get("/trees").get_data(as_text=True)
    english = client.get("/trees?lang=en").get_data(as_text=True)
    assert "No tree matches these filters." in english
    assert "No tree matches" in client.get("/trees").get_data(as_text=True)  # remembered


def test_dates_are_shown_day_first(client):
    sign_in(client, Role.VIEWER)
    tree = make_tree(planted_on="05/11/2013")
    assert "05/11/2013" in client.get(f"/trees/{tree.code}").get_data(as_text=True)


def test_a_viewer_cannot_open_the_new_tree_form(client):
    sign_in(client, Role.VIEWER)
    assert client.get("/trees/new").status_code == 403


def test_a_field_worker_cannot_edit_but_can_inspect(client):
    sign_in(client, Role.FIELD)
    tree = make_tree()
    assert client.get(f"/trees/{tree.code}/edit").status_code == 403
    assert client.get(f"/trees/{tree.code}/inspect").status_code == 200


def test_the_list_filters_by_species_text_without_diacritics(client):
    sign_in(client, Role.VIEWER)
    tree = make_tree()
    page = client.get("/trees?q=bang+lang").get_data(as_text=True)
    assert tree.code in page
    assert tree.code not in client.get("/trees?q=xa+cu").get_data(as_text=True)


def test_create_form_shows_field_errors_and_keeps_input(client):
    sign_in(client, Role.FIELD)
    data = dict(tree_fields(dbh_cm="700"), csrf_token=csrf_from(client, "/trees/new"))
    response = client.post("/trees/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "D1.3 phải lớn hơn 0 và không quá 500 cm." in page
    assert 'value="700"' in page


def test_create_form_adds_a_tree(client):
    sign_in(client, Role.FIELD)
    data = dict(tree_fields(), csrf_token=csrf_from(client, "/trees/new"))
    response = client.post("/trees/new", data=data)
    assert response.status_code == 302
    code = response.headers["Location"].rsplit("/", 1)[1]
    assert inventory.get_tree(code).commune.name == "Phan Đình Phùng"


def test_record_an_inspection_from_the_form(client):
    sign_in(client, Role.FIELD)
    tree = make_tree()
    token = csrf_from(client, f"/trees/{tree.code}/inspect")
    response = client.post(
        f"/trees/{tree.code}/inspect",
        data={"dbh_cm": "34,5", "condition": "fair", "csrf_token": token},
    )
    assert response.status_code == 302
    page = client.get(f"/trees/{tree.code}").get_data(as_text=True)
    assert '<td class="num">34,5</td>' in page and "trung bình" in page


def test_unknown_tree_page_is_a_friendly_404(client):
    sign_in(client, Role.VIEWER)
    response = client.get("/trees/ZZZZZZZ")
    assert response.status_code == 404
    assert "Không có cây nào có mã này." in response.get_data(as_text=True)


def test_front_end_packages_are_served_by_the_app(client):
    response = client.get("/vendor/leaflet/dist/leaflet.js")
    assert response.status_code == 200 and b"Leaflet" in response.data[:2000]
    assert client.get("/vendor/left-pad/index.js").status_code == 404


def test_a_double_submitted_form_adds_one_tree(client):
    sign_in(client, Role.FIELD)
    page = client.get("/trees/new").get_data(as_text=True)
    client_id = re.search(r'name="client_id" value="([^"]+)"', page).group(1)
    data = dict(tree_fields(), csrf_token=csrf_from(client, "/trees/new"), client_id=client_id)
    first = client.post("/trees/new", data=data)
    second = client.post("/trees/new", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(Tree)) == 1
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "không có gì bị thêm hai lần" in page


def test_a_double_submitted_inspection_is_recorded_once(client):
    sign_in(client, Role.FIELD)
    tree = make_tree()
    page = client.get(f"/trees/{tree.code}/inspect").get_data(as_text=True)
    client_id = re.search(r'name="client_id" value="([^"]+)"', page).group(1)
    data = {
        "dbh_cm": "36",
        "client_id": client_id,
        "csrf_token": csrf_from(client, f"/trees/{tree.code}/inspect"),
    }
    client.post(f"/trees/{tree.code}/inspect", data=data)
    client.post(f"/trees/{tree.code}/inspect", data=data)
    assert len(inventory.get_tree(tree.code).inspections) == 1


def test_an_inspection_form_sent_again_after_the_back_button_is_kept_once(client):
    from smarttrees.models import Inspection

    sign_in(client, Role.FIELD)
    tree = make_tree()
    for _ in range(2):  # back to the form: a fresh client id, the browser's restored values
        page = client.get(f"/trees/{tree.code}/inspect").get_data(as_text=True)
        client_id = re.search(r'name="client_id" value="([^"]+)"', page).group(1)
        form = {"dbh_cm": "33,5", "condition": "fair", "client_id": client_id}
        response = client.post(
            f"/trees/{tree.code}/inspect",
            data={**form, "csrf_token": csrf_from(client, f"/trees/{tree.code}/inspect")},
            follow_redirects=True,
        )
    assert "không có gì bị thêm hai lần" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Inspection)) == 1
    client.post(
        f"/trees/{tree.code}/inspect",
        data={"dbh_cm": "34", "csrf_token": csrf_from(client, f"/trees/{tree.code}/inspect")},
    )
    assert db.session.scalar(select(func.count()).select_from(Inspection)) == 2
