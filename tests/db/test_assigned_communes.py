"""A field user assigned to communes adds trees and records inspections in those communes only,
refused the same way (403, the commune named) by the form, the JSON API and the phone's sync,
where the refused record is one among others that are still applied; a field user assigned to
none, and a manager (even one with assignments left from a field role), are never refused."""

import re
import uuid

from sqlalchemy import func, select

from smarttrees.extensions import db
from smarttrees.models import Inspection, Role, Tree, UserCommune
from smarttrees.services import admin
from tests.helpers.factories import commune_named, make_tree, make_user, point_in, tree_fields
from tests.helpers.web import csrf_from, sign_in

REFUSAL = "Bạn chỉ làm việc trong các xã/phường được giao; Đồng Hỷ không thuộc số đó."


def _held_to_phan_dinh_phung(user):
    """The user assigned to ward Phan Đình Phùng alone, as an admin would (the rows are written
    directly for a manager, whose assignments stay from when they were field staff)."""
    ward = commune_named("Phan Đình Phùng")
    if user.role == Role.FIELD:
        admin.assign_communes(user.id, [ward.code], by=make_user(Role.ADMIN))
    else:
        db.session.add(UserCommune(user_id=user.id, commune_id=ward.id))
        db.session.commit()
    return user


def _bearer(user) -> dict:
    return {"Authorization": "Bearer " + admin.issue_token(user, name="phone")}


def _trees() -> int:
    return db.session.scalar(select(func.count()).select_from(Tree))


def _inspections(tree) -> int:
    return db.session.scalar(select(func.count()).where(Inspection.tree_id == tree.id))


def test_the_form_refuses_a_tree_outside_the_users_communes_naming_it(client):
    _held_to_phan_dinh_phung(sign_in(client, Role.FIELD))
    form = {"csrf_token": csrf_from(client, "/trees/new"), "client_id": uuid.uuid4().hex}
    answer = client.post("/trees/new", data=form | tree_fields(commune="Đồng Hỷ"))
    page = answer.get_data(as_text=True)
    assert answer.status_code == 403 and _trees() == 0
    assert REFUSAL in page
    beside = re.search(r'<span class="field-error" role="alert">([^<]*)</span>\s*</fieldset>', page)
    assert beside.group(1) == "Ngoài các xã/phường được giao cho bạn: Đồng Hỷ"
    form["client_id"] = uuid.uuid4().hex
    assert client.post("/trees/new", data=form | tree_fields()).status_code == 302
    assert _trees() == 1


def test_the_inspection_form_refuses_a_tree_outside_the_users_communes(client):
    _held_to_phan_dinh_phung(sign_in(client, Role.FIELD))
    tree = make_tree(commune="Đồng Hỷ")
    path = f"/trees/{tree.code}/inspect"
    answer = client.post(path, data={"csrf_token": csrf_from(client, path), "dbh_cm": "30"})
    assert answer.status_code == 403 and REFUSAL in answer.get_data(as_text=True)
    assert _inspections(tree) == 0


def test_the_api_refuses_a_tree_and_an_inspection_outside_the_users_communes(client):
    headers = _bearer(_held_to_phan_dinh_phung(make_user(Role.FIELD)))
    planted = client.post("/api/v1/trees", json=tree_fields(commune="Đồng Hỷ"), headers=headers)
    error = planted.get_json()["error"]
    assert planted.status_code == 403 and error["code"] == "outside_assigned_communes"
    assert error["message"] == REFUSAL and list(error["details"]) == ["location"]
    tree = make_tree(commune="Đồng Hỷ")
    url = f"/api/v1/trees/{tree.code}/inspections"
    inspected = client.post(url, json={"dbh_cm": 30}, headers=headers)
    assert inspected.status_code == 403 and inspected.get_json()["error"]["message"] == REFUSAL
    assert inspected.get_json()["error"]["details"] == {
        "code": "Ngoài các xã/phường được giao cho bạn: Đồng Hỷ"
    }
    assert _trees() == 1 and _inspections(tree) == 0


def test_moving_a_tree_out_of_the_users_communes_is_refused(client):
    headers = _bearer(_held_to_phan_dinh_phung(make_user(Role.FIELD)))
    tree = make_tree()  # in Phan Đình Phùng
    lon, lat = point_in(commune_named("Đồng Hỷ"))
    moved = {"dbh_cm": 30, "moved": True, "lon": lon, "lat": lat}
    answer = client.post(f"/api/v1/trees/{tree.code}/inspections", json=moved, headers=headers)
    assert answer.status_code == 403 and list(answer.get_json()["error"]["details"]) == ["location"]
    assert _inspections(tree) == 0


def _record(kind: str, **fields) -> dict:
    return {"client_id": str(uuid.uuid4()), "type": kind, **fields}


def test_sync_refuses_the_record_outside_the_users_communes_and_applies_the_others(client):
    headers = _bearer(_held_to_phan_dinh_phung(make_user(Role.FIELD)))
    near, far = make_tree(), make_tree(commune="Đồng Hỷ")
    records = [
        _record("inspection", code=near.code, dbh_cm="35"),
        _record("inspection", code=far.code, dbh_cm="35"),
        _record("tree", **tree_fields()),
    ]
    answer = client.post("/api/v1/sync", json={"records": records}, headers=headers)
    results = answer.get_json()["results"]
    assert answer.status_code == 200
    assert [r["status"] for r in results] == ["created", "rejected", "created"]
    assert results[1]["error"] == {
        "code": "outside_assigned_communes",
        "message": REFUSAL,
        "details": {"code": "Ngoài các xã/phường được giao cho bạn: Đồng Hỷ"},
    }
    assert (_inspections(near), _inspections(far), _trees()) == (1, 0, 3)


def test_a_field_user_with_no_commune_and_a_manager_work_everywhere(client):
    unrestricted = make_user(Role.FIELD)
    manager = _held_to_phan_dinh_phung(make_user(Role.MANAGER))
    far = make_tree(commune="Đồng Hỷ")
    for user in (unrestricted, manager):
        headers = _bearer(user)
        planted = client.post("/api/v1/trees", json=tree_fields(commune="Đồng Hỷ"), headers=headers)
        assert planted.status_code == 201, planted.get_json()
        url = f"/api/v1/trees/{far.code}/inspections"
        assert client.post(url, json={"dbh_cm": 30}, headers=headers).status_code == 201
        synced = client.post(
            "/api/v1/sync",
            json={"records": [_record("inspection", code=far.code, dbh_cm="31")]},
            headers=headers,
        )
        assert synced.get_json()["results"][0]["status"] == "created"
    assert (_trees(), _inspections(far)) == (3, 4)
