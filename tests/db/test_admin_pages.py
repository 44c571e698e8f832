"""An admin's pages: invite someone (a temporary password shown once), change a role, disable
an account (its sessions and tokens stop at once), reset a password; and the audit log, which
names who did each change, filtered, and exported as CSV."""

import csv
import io
import re

from smarttrees.extensions import db
from smarttrees.models import Role
from smarttrees.services import admin
from tests.helpers.factories import make_tree, make_user
from tests.helpers.web import csrf_from, sign_in


def _post(client, path, **data):
    return client.post(path, data={"csrf_token": csrf_from(client, "/admin/users"), **data})


def test_an_admin_invites_someone_who_then_signs_in_with_the_password_shown(client, app):
    boss = sign_in(client, Role.ADMIN)
    page = _post(
        client, "/admin/users", email="Lan@Example.vn", name="Nguyễn Thị Lan", role="field"
    ).get_data(as_text=True)
    password = re.search(r'id="temporary-password">([^<]+)<', page).group(1)
    assert "lan@example.vn" in page
    newcomer = app.test_client()
    signed = newcomer.post(
        "/login",
        data={"email": "lan@example.vn", "password": password, "csrf_token": csrf_from(newcomer)},
    )
    assert signed.status_code == 302
    log = client.get("/admin/audit?entity=users&action=create").get_data(as_text=True)
    assert boss.email in log and "Nguyễn Thị Lan" in log


def test_disabling_an_account_stops_its_sessions_and_tokens_at_once(client, app):
    sign_in(client, Role.ADMIN)
    worker = app.test_client()
    user = sign_in(worker, Role.FIELD)
    token = admin.issue_token(user, name="tablet")
    assert worker.get("/trees").status_code == 200
    _post(client, f"/admin/users/{user.id}", action="disable")
    assert worker.get("/trees").status_code == 302  # signed out
    device = app.test_client()
    assert (
        device.get("/api/v1/trees", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    )
    _post(client, f"/admin/users/{user.id}", action="role", role="manager")
    db.session.expire_all()  # the change was made by the request's own session
    assert admin.get_user(user.id).role == Role.MANAGER


def test_an_admin_cannot_disable_themselves(client):
    boss = sign_in(client, Role.ADMIN)
    answer = _post(client, f"/admin/users/{boss.id}", action="disable")
    db.session.expire_all()
    assert answer.status_code == 409 and admin.get_user(boss.id).active


def test_the_audit_log_filters_and_exports_what_changed(client):
    sign_in(client, Role.ADMIN)
    tree = make_tree()
    make_user(Role.VIEWER)
    page = client.get(f"/admin/audit?entity=trees&entity_id={tree.id}").get_data(as_text=True)
    assert f"Cây xanh #{tree.id}" in page and "Người dùng #" not in page
    # buffered: the streamed body is read inside the request, as a server would send it
    exported = client.get(f"/admin/audit.csv?entity=trees&entity_id={tree.id}", buffered=True)
    assert exported.mimetype == "text/csv"
    text = exported.get_data(as_text=True)
    assert text.startswith("\ufeff")  # Excel reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [(r["action"], r["entity"], r["entity_id"]) for r in rows] == [
        ("create", "trees", str(tree.id))
    ]
    assert '"species_raw"' in rows[0]["after"] or "dbh_cm" in rows[0]["after"]


def test_a_nursery_and_its_operator_who_then_records_on_its_lots_only(client, app):
    from smarttrees.models import Nursery, User
    from smarttrees.services import custody
    from tests.helpers.factories import species_named

    sign_in(client, Role.ADMIN)
    token = csrf_from(client, "/admin/nurseries")
    made = client.post("/admin/nurseries", data={"csrf_token": token, "name": "Vườn ươm Võ Nhai",
                                                 "operator": "HTX Võ Nhai"})  # fmt: skip
    assert made.status_code == 200 and "Vườn ươm Võ Nhai" in made.get_data(as_text=True)
    again = client.post("/admin/nurseries", data={"csrf_token": token, "name": "Vườn ươm Võ Nhai"})
    assert again.status_code == 422 and "Đã có vườn ươm mang tên này." in again.get_data(True)
    nursery = db.session.scalar(db.select(Nursery).where(Nursery.name == "Vườn ươm Võ Nhai"))
    no_nursery = _post(client, "/admin/users", email="x@example.vn", name="X", role="nursery")
    assert no_nursery.status_code == 422
    _post(client, "/admin/users", email="hoa@example.vn", name="Hoa", role="nursery",
          nursery=str(nursery.id))  # fmt: skip
    operator = db.session.scalar(db.select(User).where(User.email == "hoa@example.vn"))
    assert (operator.role, operator.nursery_id) == (Role.NURSERY, nursery.id)
    own = custody.create_lot(species_id=species_named("Acacia mangium").id,
                             nursery_id=nursery.id, seed_source="Ba Vì")  # fmt: skip
    assert custody.may_record(operator, own)
    assert [lot.id for lot in custody.lots_for(operator)] == [own.id]
    _post(client, f"/admin/users/{operator.id}", action="role", role="field")
    db.session.refresh(operator)
    assert operator.nursery_id is None
