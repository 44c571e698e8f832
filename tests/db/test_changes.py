"""The change feed: whatever the door (a form, an import, an inspection, a delete), another
system reading /api/v1/changes from its cursor sees every change once, in order."""

from sqlalchemy import delete, select

from smarttrees.extensions import db
from smarttrees.models import Role, Tree
from smarttrees.services import admin, inventory
from tests.helpers.factories import make_stand, make_tree, make_user


def _feed(client, headers, since=0, limit=None) -> dict:
    query = f"?since={since}" + (f"&limit={limit}" if limit else "")
    answer = client.get(f"/api/v1/changes{query}", headers=headers)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()


def test_a_follower_sees_each_change_once_in_order_page_by_page(client, runner, tmp_path):
    headers = {"Authorization": "Bearer " + admin.issue_token(make_user(Role.VIEWER), name="x")}
    start = _feed(client, headers)["latest"]
    field = make_user(Role.FIELD)
    tree = make_tree(commune="Gia Sàng")
    inventory.record_inspection(tree.code, {"dbh_cm": "40"}, actor=field)
    stand = make_stand()
    survey = tmp_path / "khao_sat.csv"
    survey.write_text("id,longitude,latitude\nA,105.81,21.59\nB,105.83,21.60\n")
    assert runner.invoke(args=["trees", "import", str(survey), "--commit"]).exit_code == 0
    gone = db.session.scalar(select(Tree.code).where(Tree.external_id == "B"))
    db.session.execute(delete(Tree).where(Tree.external_id == "B"))
    db.session.commit()

    seen, since = [], start
    while True:
        page = _feed(client, headers, since=since, limit=2)
        seen += page["changes"]
        since = page["next"]
        if not page["more"]:
            break
    cursors = [change["cursor"] for change in seen]
    assert cursors == sorted(set(cursors))  # in order, none twice
    summary = [(c["entity"], c["action"]) for c in seen]
    assert summary[0] == ("trees", "created")
    # the inspection, and the tree whose values follow it (the same statement)
    assert set(summary[1:3]) == {("inspections", "created"), ("trees", "updated")}
    assert ("stands", "created") in summary and summary.count(("trees", "created")) == 3
    assert summary[-1] == ("trees", "deleted") and seen[-1]["id"] == gone
    assert str(stand.id) in {c["id"] for c in seen if c["entity"] == "stands"}
    assert _feed(client, headers, since=since)["changes"] == []  # caught up


def test_a_bad_cursor_is_refused_naming_it(client):
    headers = {"Authorization": "Bearer " + admin.issue_token(make_user(Role.VIEWER), name="x")}
    for query, field in (("since=²", "since"), ("since=-1", "since"), ("limit=0", "limit")):
        answer = client.get(f"/api/v1/changes?{query}", headers=headers)
        assert answer.status_code == 422 and field in answer.get_json()["error"]["details"]
    assert client.get("/api/v1/changes").status_code == 401
