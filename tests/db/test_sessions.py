"""Sessions that end and sign-ins that cannot be guessed at speed: signing out kills the
session cookie (and any copy of it) and the "remember me" cookie; five wrong passwords lock
an account, twenty lock an address, for a quarter of an hour, said with the time to wait."""

from sqlalchemy import text

from smarttrees import create_app
from smarttrees.extensions import db
from smarttrees.models import Role
from tests.helpers.factories import PASSWORD, make_user
from tests.helpers.web import csrf_from


def _post_login(client, email, password, remember=False):
    data = {"email": email, "password": password, "csrf_token": csrf_from(client)}
    if remember:
        data["remember"] = "1"
    return client.post("/login", data=data)


def _sign_out(client):
    page = client.get("/trees").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302


def test_signing_out_ends_every_copy_of_the_session(app, client):
    user = make_user(Role.VIEWER)
    assert _post_login(client, user.email, PASSWORD).status_code == 302
    stolen = app.test_client()
    stolen.set_cookie("session", client.get_cookie("session").value)
    assert stolen.get("/trees").status_code == 200  # a copy of the cookie works...
    _sign_out(client)
    assert stolen.get("/trees").status_code == 302  # ...until its owner signs out
    assert client.get("/trees").status_code == 302
    assert _post_login(client, user.email, PASSWORD).status_code == 302  # a new session works
    assert client.get("/trees").status_code == 200


def test_signing_out_ends_remember_me(app, client):
    user = make_user(Role.VIEWER)
    assert _post_login(client, user.email, PASSWORD, remember=True).status_code == 302
    remembered = client.get_cookie("remember_token")
    assert remembered is not None and remembered.http_only and remembered.same_site == "Lax"
    later = app.test_client()  # the browser restarted: no session, the remember cookie only
    later.set_cookie("remember_token", remembered.value)
    assert later.get("/trees").status_code == 200
    _sign_out(client)
    again = app.test_client()
    again.set_cookie("remember_token", remembered.value)
    assert again.get("/trees").status_code == 302


def test_five_wrong_passwords_lock_the_account_with_the_time_to_wait(client):
    user, other = make_user(Role.VIEWER), make_user(Role.VIEWER)
    for _ in range(5):
        assert _post_login(client, user.email, "wrong-password").status_code == 401
    refused = _post_login(client, user.email, PASSWORD)  # the right password, too late
    assert refused.status_code == 429
    assert "thử lại sau 15 phút" in refused.get_data(as_text=True)
    assert _post_login(client, other.email, PASSWORD).status_code == 302  # others sign in
    # A quarter of an hour later the account opens again.
    db.session.execute(text("UPDATE login_attempts SET at = at - interval '16 minutes'"))
    db.session.commit()
    assert _post_login(client, user.email, PASSWORD).status_code == 302


def test_a_success_resets_the_count_of_failures(client):
    user = make_user(Role.VIEWER)
    for _ in range(4):
        _post_login(client, user.email, "wrong-password")
    assert _post_login(client, user.email, PASSWORD).status_code == 302
    for _ in range(4):
        assert _post_login(client, user.email, "wrong-password").status_code == 401
    assert _post_login(client, user.email, PASSWORD).status_code == 302


def test_twenty_failures_from_one_address_lock_the_address(client):
    for n in range(20):
        _post_login(client, f"guess{n}@example.vn", "wrong-password")
    user = make_user(Role.VIEWER)
    refused = _post_login(client, user.email, PASSWORD)
    assert refused.status_code == 429
    count = db.session.scalar(text("SELECT count(*) FROM login_attempts"))
    assert count == 20  # refused attempts are not counted again


def test_cookies_are_secure_when_the_app_is_served_over_https(monkeypatch):
    monkeypatch.setenv("SMARTTREES_BASE_URL", "https://cayxanh.thainguyen.gov.vn")
    config = create_app().config
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]
    monkeypatch.setenv("SMARTTREES_BASE_URL", "http://10.0.0.5:8000")
    assert not create_app().config["SESSION_COOKIE_SECURE"]
