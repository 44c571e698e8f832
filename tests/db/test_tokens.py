"""API tokens that end: each expires, its owner or an admin revokes it (the page lists them),
the command line lists and revokes them; a made-up Authorization header does not excuse a
browser session from the CSRF check."""

import re

from sqlalchemy import text

from smarttrees.extensions import db
from smarttrees.models import Role
from smarttrees.services import admin
from tests.helpers.factories import make_user
from tests.helpers.web import sign_in


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_a_token_stops_working_when_it_expires(client):
    user = make_user(Role.FIELD)
    token = admin.issue_token(user, name="tablet 3", days=30)
    assert client.get("/api/v1/trees", headers=_bearer(token)).status_code == 200
    db.session.execute(text("UPDATE api_tokens SET expires_at = now() - interval '1 second'"))
    db.session.commit()
    assert client.get("/api/v1/trees", headers=_bearer(token)).status_code == 401


def test_the_owner_revokes_a_token_from_the_page_and_it_stops_at_once(client, app):
    device = app.test_client()  # the tablet: no session, the token only
    user = sign_in(client, Role.FIELD)
    token = admin.issue_token(user, name="máy tính bảng 3")
    other = admin.issue_token(make_user(Role.FIELD), name="someone else's")
    page = client.get("/account/tokens").get_data(as_text=True)
    assert "máy tính bảng 3" in page and "someone else" not in page
    token_id = int(re.search(r"/account/tokens/(\d+)/revoke", page).group(1))
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf})
    assert answer.status_code == 302
    assert device.get("/api/v1/trees", headers=_bearer(token)).status_code == 401
    assert device.get("/api/v1/trees", headers=_bearer(other)).status_code == 200
    assert "đã thu hồi" in client.get("/account/tokens").get_data(as_text=True)


def test_only_its_owner_or_an_admin_may_revoke_a_token(client, app):
    device = app.test_client()
    owner = make_user(Role.FIELD)
    token = admin.issue_token(owner, name="tablet")
    token_id = admin.list_tokens(owner)[0].id
    sign_in(client, Role.MANAGER)
    page = client.get("/account/tokens").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    refused = client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf})
    assert refused.status_code == 404
    assert device.get("/api/v1/trees", headers=_bearer(token)).status_code == 200
    boss = app.test_client()
    sign_in(boss, Role.ADMIN)
    page = boss.get("/account/tokens").get_data(as_text=True)
    assert owner.email in page  # an admin sees everyone's tokens
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert (
        boss.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf}).status_code
        == 302
    )
    assert device.get("/api/v1/trees", headers=_bearer(token)).status_code == 401


def test_the_command_line_lists_and_revokes_tokens(runner):
    user = make_user(Role.FIELD)
    issued = runner.invoke(args=["users", "token", user.email, "--name", "tablet", "--days", "7"])
    assert issued.exit_code == 0 and issued.output.startswith("st_")
    listed = runner.invoke(args=["users", "tokens", user.email])
    token_id, name = listed.output.split("\t")[:2]
    assert name == "tablet"
    revoked = runner.invoke(args=["users", "revoke-token", token_id])
    assert revoked.exit_code == 0 and user.email in revoked.output
    assert admin.user_for_token(issued.output.strip()) is None
    too_long = runner.invoke(args=["users", "token", user.email, "--days", "400"])
    assert too_long.exit_code != 0


def test_a_made_up_authorization_header_does_not_skip_the_csrf_check(client):
    sign_in(client, Role.FIELD)
    body = {"lon": 105.84, "lat": 21.59, "species_id": 1, "category": "urban"}
    forged = client.post("/api/v1/trees", json=body, headers={"Authorization": "Basic eDp5"})
    assert forged.status_code == 400  # the session's write without a CSRF token
    assert forged.get_json()["error"]["code"] == "bad_request"
    assert db.session.scalar(text("SELECT count(*) FROM trees")) == 0


def test_a_user_issues_a_token_on_the_page_and_a_program_uses_it(client, app):
    sign_in(client, Role.VIEWER)
    page = client.get("/account/tokens").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = client.post(
        "/account/tokens/new", data={"device": "QGIS phòng quy hoạch", "csrf_token": csrf}
    )
    shown = answer.get_data(as_text=True)
    token = re.search(r'<code class="token">(st_[^<]+)</code>', shown).group(1)
    assert "QGIS phòng quy hoạch" in shown  # listed with its name
    program = app.test_client()
    assert program.get("/api/v1/trees", headers=_bearer(token)).status_code == 200
    too_long = client.post("/account/tokens/new", data={"device": "x" * 81, "csrf_token": csrf})
    assert too_long.status_code == 422  # named beside its field
    assert 'class="error">Văn bản quá dài.' in too_long.get_data(as_text=True)


def test_a_token_cannot_issue_another_token(client):
    """A stolen token must not outlive its revocation by minting a fresh one."""
    user = make_user(Role.FIELD)
    token = admin.issue_token(user, name="tablet 4")
    minted = client.post("/api/v1/field/token", json={"device": "copy"}, headers=_bearer(token))
    assert minted.status_code == 403
    assert minted.get_json()["error"]["code"] == "token_from_token"
    assert len(admin.list_tokens(user)) == 1
