"""Passwords: one policy at every door that sets one (at least 10 characters, not digits alone,
not the email or name, not a common password even padded with digits), each refusal naming its
field; a temporary password from an admin must be replaced at the first sign-in, and until it is
the session reaches nothing else (a bearer token still works); changing one's own password ends
the user's other sessions."""

import re

import pytest
from sqlalchemy import func, select

from smarttrees.errors import ValidationFailed
from smarttrees.extensions import db
from smarttrees.models import Role, User
from smarttrees.services import admin
from smarttrees.services.admin import password_policy
from smarttrees.services.admin.accounts import temporary_password
from tests.helpers.factories import PASSWORD, make_user
from tests.helpers.web import csrf_from, sign_in

WEAK = [
    ("Ab3!xyz", password_policy.TOO_SHORT),
    ("0912 345 678", password_policy.NO_LETTERS),
    ("lan@example.vn", password_policy.PERSONAL),
    ("Nguyễn Thị Lan 1990", password_policy.PERSONAL),
    ("Sunshine2024!", password_policy.COMMON),
    ("mật khẩu 123456", password_policy.COMMON),
]
NEW_PASSWORD = "rừng keo xanh mướt"


def _login(client, email, password):
    data = {"email": email, "password": password, "csrf_token": csrf_from(client)}
    return client.post("/login", data=data)


def _change(client, current, new, again=None):
    token = csrf_from(client, "/account/password")
    form = {"csrf_token": token, "current_password": current, "new_password": new,
            "new_password_again": new if again is None else again}  # fmt: skip
    return client.post("/account/password", data=form)


def _invalid(page: str, field: str) -> bool:
    return re.search(rf'name="{field}"[^>]*aria-invalid="true"', page) is not None


@pytest.mark.parametrize(("password", "rule"), WEAK, ids=lambda v: str(v)[:12])
def test_a_weak_password_is_refused_naming_the_field(password, rule):
    with pytest.raises(ValidationFailed) as refused:
        make_user(email="lan@example.vn", name="Nguyễn Thị Lan", password=password)
    assert refused.value.details == {"password": rule}
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_the_tests_password_and_every_temporary_password_pass_the_policy():
    assert password_policy.weakness(PASSWORD, email="a@example.vn", name="A") is None
    for _ in range(200):
        assert password_policy.weakness(temporary_password(), email="", name=None) is None


def test_flask_users_create_refuses_a_weak_password_naming_the_field(runner):
    args = ["users", "create", "--email", "hoa@example.vn", "--name", "Hoa"]
    result = runner.invoke(args=[*args, "--password", "hoa@example.vn"])
    assert result.exit_code != 0
    assert '"password"' in result.output and password_policy.PERSONAL in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_changing_ones_password_refuses_a_weak_one_naming_the_field(client):
    user = sign_in(client, Role.VIEWER)
    for new, again, field in (("dragon12345", None, "new_password"),
                              (NEW_PASSWORD, "something else", "new_password_again"),
                              (PASSWORD, None, "new_password")):  # fmt: skip
        answer = _change(client, PASSWORD, new, again)
        assert answer.status_code == 422 and _invalid(answer.get_data(as_text=True), field)
    answer = _change(client, "not my password", NEW_PASSWORD)
    assert answer.status_code == 422 and _invalid(answer.get_data(True), "current_password")
    db.session.expire_all()
    assert admin.authenticate(user.email, PASSWORD) is not None  # unchanged


def test_an_invited_user_must_choose_a_password_then_signs_in_with_it(client, app):
    sign_in(client, Role.ADMIN)
    token = csrf_from(client, "/admin/users")
    page = client.post("/admin/users", data={"csrf_token": token, "email": "lan@example.vn",
                                             "name": "Lan", "role": "field"})  # fmt: skip
    temporary = re.search(r'id="temporary-password">([^<]+)<', page.get_data(True)).group(1)
    newcomer = app.test_client()
    assert _login(newcomer, "lan@example.vn", temporary).status_code == 302
    for path in ("/", "/trees", "/account", "/admin/users"):
        assert newcomer.get(path).headers["Location"].endswith("/account/password")
    refused = newcomer.get("/api/v1/species")
    assert refused.status_code == 403
    assert refused.json["error"]["code"] == "password_change_required"
    device = admin.issue_token(admin.find_user("lan@example.vn"), name="tablet")
    bearer = {"Authorization": f"Bearer {device}"}
    assert app.test_client().get("/api/v1/species", headers=bearer).status_code == 200
    assert "Choose your password" in newcomer.get("/account/password?lang=en").get_data(True)
    assert _change(newcomer, temporary, "lan@example.vn").status_code == 422
    assert _change(newcomer, temporary, NEW_PASSWORD).status_code == 302
    assert newcomer.get("/trees").status_code == 200
    later = app.test_client()
    assert _login(later, "lan@example.vn", temporary).status_code == 401
    assert _login(later, "lan@example.vn", NEW_PASSWORD).status_code == 302
    assert later.get("/trees").status_code == 200


def test_a_password_reset_by_an_admin_must_be_replaced_too(client, app):
    sign_in(client, Role.ADMIN)
    user = make_user(Role.VIEWER)
    token = csrf_from(client, "/admin/users")
    page = client.post(f"/admin/users/{user.id}", data={"csrf_token": token, "action": "reset"})
    temporary = re.search(r'id="temporary-password">([^<]+)<', page.get_data(True)).group(1)
    db.session.expire_all()
    assert admin.get_user(user.id).must_change_password
    other = app.test_client()
    assert _login(other, user.email, temporary).status_code == 302
    assert other.get("/map").headers["Location"].endswith("/account/password")


def test_changing_ones_password_ends_the_other_sessions_and_keeps_this_one(client, app):
    user = make_user(Role.VIEWER)
    elsewhere = app.test_client()
    for browser in (client, elsewhere):
        assert _login(browser, user.email, PASSWORD).status_code == 302
    assert _change(client, PASSWORD, NEW_PASSWORD).headers["Location"].endswith("/account")
    assert client.get("/trees").status_code == 200
    assert elsewhere.get("/trees").status_code == 302  # signed out
