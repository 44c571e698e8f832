"""The communes page for admins: every commune and ward with its area, trees and field staff,
searched without diacritics; a name corrected (NFC, its search form in step, kept when the
reference data is loaded again, in the audit log); and the communes a field user is assigned to,
set from the accounts page and audited.

The communes are reference data every test shares: a test that renames one puts the names back
whatever happens."""

import re
import unicodedata

import pytest
from sqlalchemy import select, text

from smarttrees.config import ROOT
from smarttrees.extensions import db
from smarttrees.models import AdminLevel, AdminUnit, AuditLog, Role, UserCommune
from smarttrees.services import admin
from tests.helpers.factories import commune_named, make_tree, make_user
from tests.helpers.web import csrf_from, sign_in

DONG_HY, PHAN_DINH_PHUNG = "05692", "05443"


@pytest.fixture
def names_restored():
    """Every commune's name as the reference data has it again after the test."""
    before = db.session.execute(select(AdminUnit.id, AdminUnit.name, AdminUnit.name_folded)).all()
    yield
    db.session.rollback()
    for unit_id, name, folded in before:
        db.session.execute(
            text(
                "UPDATE admin_units SET name = :name, name_folded = :folded, "
                "name_corrected_at = NULL WHERE id = :id"
            ),
            {"id": unit_id, "name": name, "folded": folded},
        )
    db.session.commit()


def _post(client, path, data):
    return client.post(path, data={"csrf_token": csrf_from(client, "/admin/communes"), **data})


def _row(page: str, code: str) -> str:
    return re.search(rf'<tr id="commune-{code}">(.*?)</tr>', page, re.S).group(1)


def test_the_page_lists_every_commune_with_its_area_trees_and_field_staff(client):
    sign_in(client, Role.ADMIN)
    make_tree(commune="Đồng Hỷ")
    make_tree(commune="Đồng Hỷ")
    worker = make_user(Role.FIELD)
    admin.assign_communes(worker.id, [DONG_HY], by=make_user(Role.ADMIN))
    page = client.get("/admin/communes").get_data(as_text=True)
    communes = db.session.scalar(
        select(db.func.count()).where(AdminUnit.level != AdminLevel.PROVINCE)
    )
    assert len(re.findall(r'<tr id="commune-', page)) == communes == 92
    cells = re.findall(r"<td[^>]*>(.*?)</td>", _row(page, DONG_HY), re.S)
    # code, name, level, area (5 372 ha, written the Vietnamese way), trees, field staff
    assert cells[:6] == [DONG_HY, "Đồng Hỷ", "xã", "5.372", "2", "1"]
    assert re.findall(r"<td[^>]*>(.*?)</td>", _row(page, PHAN_DINH_PHUNG))[2:6] == [
        "phường",
        "1.473",
        "0",
        "0",
    ]


def test_the_search_finds_a_commune_typed_without_diacritics(client):
    sign_in(client, Role.ADMIN)
    page = client.get("/admin/communes?q=Dong Hy").get_data(as_text=True)
    assert re.findall(r'<tr id="commune-(\d+)">', page) == [DONG_HY]
    same = client.get("/admin/communes?q=ĐỒNG hỷ").get_data(as_text=True)
    assert re.findall(r'<tr id="commune-(\d+)">', same) == [DONG_HY]
    none = client.get("/admin/communes?q=khong co xa nay").get_data(as_text=True)
    assert "Không có xã/phường nào khớp với tìm kiếm này." in none


def test_a_corrected_name_is_saved_nfc_searched_kept_on_reload_and_audited(client, names_restored):
    boss = sign_in(client, Role.ADMIN)
    typed = unicodedata.normalize("NFD", "  Đồng  Hỷ Mới ")  # as some keyboards send it
    answer = _post(client, f"/admin/communes/{DONG_HY}", {"name": typed})
    assert answer.status_code == 302
    db.session.expire_all()
    unit = commune_named("Đồng Hỷ Mới")
    assert unit is not None and unit.code == DONG_HY and unit.name_folded == "dong hy moi"
    page = client.get("/admin/communes?q=dong hy moi").get_data(as_text=True)
    assert re.findall(r'<tr id="commune-(\d+)">', page) == [DONG_HY]
    entry = db.session.scalar(
        select(AuditLog).where(AuditLog.entity == "admin_units", AuditLog.action == "update")
    )
    assert (entry.actor_id, entry.entity_id) == (boss.id, str(unit.id))
    assert (entry.before["name"], entry.after["name"]) == ("Đồng Hỷ", "Đồng Hỷ Mới")
    admin.load_reference(ROOT / "data" / "reference")  # the national list, loaded again
    db.session.expire_all()
    assert db.session.get(AdminUnit, unit.id).name == "Đồng Hỷ Mới"
    assert commune_named("Phan Đình Phùng") is not None


@pytest.mark.parametrize(
    ("typed", "message"),
    [("   ", "Trường này là bắt buộc."), ("Xã " + "rất dài " * 20, "Văn bản quá dài.")],
    ids=["empty", "too long"],
)
def test_a_bad_name_is_refused_beside_its_field_and_nothing_changes(
    client, names_restored, typed, message
):
    sign_in(client, Role.ADMIN)
    answer = _post(client, f"/admin/communes/{DONG_HY}", {"name": typed})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert re.search(r'name="name"[^>]*aria-invalid="true"[^>]*>\s*<span class="field-error"', page)
    assert message in page
    db.session.expire_all()
    assert commune_named("Đồng Hỷ").code == DONG_HY
    assert db.session.scalar(select(AuditLog).where(AuditLog.entity == "admin_units")) is None


def test_an_unknown_commune_is_not_found(client):
    sign_in(client, Role.ADMIN)
    assert client.get("/admin/communes/99999").status_code == 404
    assert _post(client, "/admin/communes/99999", {"name": "Không có"}).status_code == 404


def _assigned(user) -> set[str]:
    query = (
        select(AdminUnit.code)
        .join(UserCommune, UserCommune.commune_id == AdminUnit.id)
        .where(UserCommune.user_id == user.id)
    )
    return set(db.session.scalars(query))


def test_an_admin_assigns_communes_to_a_field_user_and_the_audit_log_names_them(client):
    boss = sign_in(client, Role.ADMIN)
    worker = make_user(Role.FIELD, name="Hoàng Văn Tuấn")
    users = client.get("/admin/users").get_data(as_text=True)
    link = f'href="/admin/users/{worker.id}/communes"'
    assert link in users and "mọi nơi" in users  # assigned to none: everywhere
    path = f"/admin/users/{worker.id}/communes"
    answer = _post(client, path, {"commune": [DONG_HY, PHAN_DINH_PHUNG]})
    assert answer.status_code == 302
    assert _assigned(worker) == {DONG_HY, PHAN_DINH_PHUNG}
    assert "Đồng Hỷ, Phan Đình Phùng" in client.get("/admin/users").get_data(as_text=True)
    _post(client, path, {"commune": [PHAN_DINH_PHUNG]})
    assert _assigned(worker) == {PHAN_DINH_PHUNG}
    entries = db.session.scalars(
        select(AuditLog).where(AuditLog.entity == "user_communes").order_by(AuditLog.id)
    ).all()
    dong_hy = commune_named("Đồng Hỷ").id
    assert [(e.action, e.actor_id, e.entity_id) for e in entries] == [
        ("create", boss.id, str(worker.id)),
        ("create", boss.id, str(worker.id)),
        ("delete", boss.id, str(worker.id)),
    ]
    assert entries[-1].before == {"user_id": worker.id, "commune_id": dong_hy}
    _post(client, path, {})  # none ticked: everywhere again
    assert _assigned(worker) == set()


def test_an_unknown_commune_or_a_manager_is_not_assigned(client):
    sign_in(client, Role.ADMIN)
    worker, manager = make_user(Role.FIELD), make_user(Role.MANAGER)
    answer = _post(client, f"/admin/users/{worker.id}/communes", {"commune": [DONG_HY, "00000"]})
    assert answer.status_code == 422
    assert "Hãy chọn các xã/phường trong danh sách." in answer.get_data(as_text=True)
    assert _assigned(worker) == set()
    refused = _post(client, f"/admin/users/{manager.id}/communes", {"commune": [DONG_HY]})
    assert refused.status_code == 422 and _assigned(manager) == set()
    page = client.get(f"/admin/users/{manager.id}/communes").get_data(as_text=True)
    assert "Chỉ nhân viên hiện trường mới được giao xã/phường" in page
    assert 'name="commune"' not in page


def test_the_pages_with_field_staff_on_them_read_in_vietnamese(client):
    """The walk of every page meets no field user; these pages are read here with one."""
    from tests.db.test_pages_in_vietnamese import ENGLISH, PageText, _translated_msgids

    sign_in(client, Role.ADMIN)
    worker = make_user(Role.FIELD)
    admin.assign_communes(worker.id, [DONG_HY], by=make_user(Role.ADMIN))
    msgids, english = _translated_msgids(), []
    for path in (
        f"/admin/users/{worker.id}/communes",
        f"/admin/communes/{DONG_HY}",
        "/admin/users",
    ):
        parser = PageText()
        parser.feed(client.get(path).get_data(as_text=True))
        assert any(worker.name in text for text in parser.texts)  # the page is about them
        english += [(path, t) for t in parser.texts if t in msgids or ENGLISH.search(t)]
    assert english == []
