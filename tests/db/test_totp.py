"""Two-step sign-in: turned on from the account page (a QR code drawn in the page, the key as
text, a first code from the app), then signing in asks for a code after the password; a wrong
code counts toward the lockout like a wrong password, a code works once, a recovery code works
once in its place; the user turns it off with their password, an admin removes another user's
(in the audit log under the admin's name)."""

import re
import time

import pyotp
from sqlalchemy import select

from smarttrees.extensions import db
from smarttrees.models import AuditLog, LoginAttempt, Role
from smarttrees.services import admin
from tests.helpers.factories import PASSWORD, make_user
from tests.helpers.web import csrf_from, sign_in


def _enrol(user) -> tuple[pyotp.TOTP, list[str]]:
    """Two-step sign-in for the user, confirmed with the previous time step's code (so the
    current one is still unused)."""
    totp = pyotp.TOTP(admin.new_two_step_secret())
    codes = admin.turn_on_two_step(user, secret=totp.secret, code=totp.at(time.time() - 30))
    return totp, codes


def _password(client, user):
    data = {"email": user.email, "password": PASSWORD, "csrf_token": csrf_from(client)}
    return client.post("/login", data=data)


def _code(client, code):
    token = csrf_from(client, "/login/code")
    return client.post("/login/code", data={"code": code, "csrf_token": token})


def test_an_admin_turns_two_step_sign_in_on_from_the_account_page(client):
    boss = sign_in(client, Role.ADMIN)
    page = client.get("/account/two-step").get_data(as_text=True)
    assert "<svg" in page and "<path" in page  # the QR code, drawn in the page
    key = re.search(r'id="two-step-key">([^<]+)<', page).group(1).replace(" ", "")
    token = csrf_from(client, "/account/two-step")
    wrong = client.post("/account/two-step", data={"csrf_token": token, "code": "000000"})
    assert wrong.status_code == 422 and 'aria-invalid="true"' in wrong.get_data(True)
    code = pyotp.TOTP(key).at(time.time() - 30)
    shown = client.post("/account/two-step", data={"csrf_token": token, "code": code})
    codes = re.findall(r"<li>([a-z2-9]{4}(?:-[a-z2-9]{4}){3})</li>", shown.get_data(True))
    assert len(set(codes)) == 10
    db.session.expire_all()
    assert admin.get_user(boss.id).totp_secret == key
    assert admin.recovery_codes_left(boss) == 10


def test_signing_in_asks_for_the_code_after_the_password(client):
    user = make_user(Role.ADMIN)
    totp, _ = _enrol(user)
    assert _password(client, user).headers["Location"].endswith("/login/code")
    assert client.get("/trees").status_code == 302  # not signed in yet
    assert _code(client, "123456" if totp.now() != "123456" else "654321").status_code == 401
    assert client.get("/trees").status_code == 302
    assert _code(client, totp.now()).status_code == 302
    assert client.get("/trees").status_code == 200
    attempts = db.session.scalars(select(LoginAttempt.succeeded).order_by(LoginAttempt.id))
    assert list(attempts) == [False, True]  # the wrong code, then the whole sign-in


def test_wrong_codes_count_toward_the_lockout(client):
    user = make_user(Role.ADMIN)
    totp, _ = _enrol(user)
    _password(client, user)
    wrong = "111111" if totp.now() != "111111" else "222222"
    for _ in range(5):
        assert _code(client, wrong).status_code == 401
    locked = _code(client, totp.now())  # the right code, too late
    assert locked.status_code == 429
    assert _password(client, user).status_code == 429  # and the password with it


def test_a_code_signs_in_once(client, app):
    user = make_user(Role.ADMIN)
    totp, _ = _enrol(user)
    code = totp.now()
    _password(client, user)
    assert _code(client, code).status_code == 302
    again = app.test_client()  # the same code, seen over a shoulder
    _password(again, user)
    assert _code(again, code).status_code == 401


def test_a_recovery_code_signs_in_once_in_place_of_the_apps(client, app):
    user = make_user(Role.ADMIN)
    _, codes = _enrol(user)
    _password(client, user)
    assert _code(client, codes[3].upper().replace("-", " ")).status_code == 302
    assert client.get("/trees").status_code == 200
    assert admin.recovery_codes_left(user) == 9
    again = app.test_client()
    _password(again, user)
    assert _code(again, codes[3]).status_code == 401


def test_a_user_turns_two_step_off_with_their_password(client):
    user = make_user(Role.VIEWER)
    totp, _ = _enrol(user)
    _password(client, user)
    _code(client, totp.now())
    token = csrf_from(client, "/account")
    refused = client.post("/account/two-step/off", data={"csrf_token": token, "password": "x"})
    assert refused.status_code == 422
    done = client.post("/account/two-step/off", data={"csrf_token": token, "password": PASSWORD})
    assert done.status_code == 302
    db.session.expire_all()
    assert not admin.get_user(user.id).two_step and admin.recovery_codes_left(user) == 0


def test_an_admin_removes_another_users_two_step_sign_in_in_the_audit_log(client, app):
    boss = sign_in(client, Role.ADMIN)
    user = make_user(Role.FIELD)
    _enrol(user)
    token = csrf_from(client, "/admin/users")
    page = client.post(f"/admin/users/{user.id}", data={"csrf_token": token,
                                                        "action": "two_step_off"})  # fmt: skip
    assert page.status_code == 200
    db.session.expire_all()
    assert not admin.get_user(user.id).two_step
    entry = db.session.scalars(
        select(AuditLog).where(AuditLog.entity == "users", AuditLog.entity_id == str(user.id))
        .order_by(AuditLog.id.desc())
    ).first()  # fmt: skip
    assert entry.actor_id == boss.id
    assert entry.before["totp_enabled_at"] and entry.after == {"totp_enabled_at": None}
    assert _password(app.test_client(), user).status_code == 302  # the password alone again
