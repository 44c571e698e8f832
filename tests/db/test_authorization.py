"""Who may use each door, from one table: every route of the app × every role (anonymous,
viewer, nursery, field, manager, admin), with the public map off and on; no answer is a server
error. A route missing from the table fails the test, so a new route must say who may use it."""

import pytest

from smarttrees.extensions import db
from smarttrees.models import ImportBatch, ImportStatus, Role
from tests.helpers.factories import make_tree
from tests.helpers.web import csrf_from, sign_in

PUBLIC, MAP, SIGNED_IN = "public", "map", "signed in"  # MAP: viewers, everyone on a public map
V, N, F, M = Role.VIEWER, Role.NURSERY, Role.FIELD, Role.MANAGER

# endpoint → (method, path, who may use it); {tree}, {batch} are filled with real ones.
ROUTES = {
    "pages.home": ("GET", "/", V),
    "pages.login": ("GET", "/login", PUBLIC),
    "pages.login_code": ("GET", "/login/code", PUBLIC),
    "pages.account": ("GET", "/account", SIGNED_IN),
    "pages.password": ("GET", "/account/password", SIGNED_IN),
    "pages.two_step": ("GET", "/account/two-step", SIGNED_IN),
    "pages.two_step_off": ("POST", "/account/two-step/off", SIGNED_IN),
    "pages.tokens": ("GET", "/account/tokens", SIGNED_IN),
    "pages.token_issue": ("POST", "/account/tokens/new", SIGNED_IN),
    "pages.token_revoke": ("POST", "/account/tokens/999999/revoke", SIGNED_IN),
    "pages.province": ("GET", "/map", MAP),
    "pages.reports_dashboard": ("GET", "/reports", V),
    "pages.reports_workbook": ("GET", "/reports.xlsx", V),
    "pages.reports_document": ("GET", "/reports.pdf", V),
    "pages.scan": ("GET", "/scan", MAP),
    "pages.tree_tag": ("GET", "/t/{tree}", MAP),
    "pages.lot_tag": ("GET", "/l/LOT-NONE", MAP),
    "pages.lot_label": ("GET", "/l/LOT-NONE/label.pdf", N),
    "pages.lot_event": ("POST", "/l/LOT-NONE/events", N),
    "pages.lot_split": ("POST", "/l/LOT-NONE/split", N),
    "pages.lot_list": ("GET", "/lots", N),
    "pages.lot_trace": ("GET", "/l/LOT-NONE/trace", V),
    "pages.lot_edit": ("GET", "/l/LOT-NONE/edit", N),
    "pages.lot_merge": ("POST", "/l/LOT-NONE/merge", N),
    "pages.batch_merge": ("POST", "/batches/merge", M),
    "pages.lot_new": ("GET", "/lots/new", N),
    "pages.batch_tag": ("GET", "/b/BATCH-NONE", MAP),
    "pages.shipment_pdf": ("GET", "/shipments/999999/list.pdf", M),
    "pages.shipment_detail": ("GET", "/shipments/999999", V),
    "pages.shipment_eudr": ("GET", "/shipments/999999/eudr", M),
    "pages.shipment_new": ("POST", "/shipments", M),
    "pages.harvest_list": ("GET", "/harvests", M),
    "pages.harvest_detail": ("GET", "/harvests/999999", M),
    "pages.harvest_batch": ("POST", "/harvests/999999/batches", M),
    "pages.harvest_labels": ("GET", "/harvests/999999/labels.pdf", M),
    "pages.batch_split": ("POST", "/b/BATCH-NONE/split", M),
    "pages.batch_process": ("POST", "/b/BATCH-NONE/process", M),
    "api.record_lot_event": ("POST", "/api/v1/lots/LOT-NONE/events", N),
    "api.trace_batch": ("GET", "/api/v1/trace/batches/BATCH-NONE", V),
    "api.trace_lot": ("GET", "/api/v1/trace/lots/LOT-NONE", V),
    "api.eudr_statement": ("POST", "/api/v1/custody/eudr", M),
    "pages.manifest": ("GET", "/manifest.webmanifest", PUBLIC),
    "pages.service_worker": ("GET", "/sw.js", PUBLIC),
    "pages.field_app": ("GET", "/field", F),
    "pages.tree_list": ("GET", "/trees", V),
    "pages.tree_detail": ("GET", "/trees/{tree}", V),
    "pages.tree_new": ("GET", "/trees/new", F),
    "pages.tree_edit": ("GET", "/trees/{tree}/edit", M),
    "pages.tree_inspect": ("GET", "/trees/{tree}/inspect", F),
    "pages.tree_labels": ("GET", "/trees/labels.pdf?q={tree}", F),
    "pages.photo": ("GET", "/photos/none.jpg", V),
    "pages.label_roll": ("GET", "/labels/roll", F),
    "pages.tree_export": ("GET", "/trees/export.csv", V),
    "pages.tree_export_start": ("POST", "/trees/export.gpkg", V),
    "pages.export_detail": ("GET", "/exports/999999", V),
    "pages.export_file": ("GET", "/exports/999999/file", V),
    "api.export_status": ("GET", "/api/v1/exports/999999", V),
    "pages.import_list": ("GET", "/imports", M),
    "pages.import_new": ("GET", "/imports/new", M),
    "pages.import_detail": ("GET", "/imports/{batch}", M),
    "pages.import_errors": ("GET", "/imports/{batch}/errors.csv", M),
    "pages.import_errors_xlsx": ("GET", "/imports/{batch}/errors.xlsx", M),
    "pages.import_labels": ("GET", "/imports/{batch}/labels.pdf", M),
    "pages.import_mapping": ("POST", "/imports/{batch}/mapping", M),
    "pages.import_fix_row": ("POST", "/imports/{batch}/rows/2", M),
    "pages.import_commit": ("POST", "/imports/{batch}/commit", M),
    "pages.import_retry": ("POST", "/imports/{batch}/retry", M),
    "pages.import_discard": ("POST", "/imports/999999/discard", M),
    "pages.import_undo": ("POST", "/imports/999999/undo", M),
    "api.list_species": ("GET", "/api/v1/species", V),
    "api.list_communes": ("GET", "/api/v1/communes", V),
    "api.change_feed": ("GET", "/api/v1/changes", V),
    "api.openapi_document": ("GET", "/api/v1/openapi.json", PUBLIC),
    "api.api_docs": ("GET", "/api/v1/docs", PUBLIC),
    "api.carbon_report": ("GET", "/api/v1/reports/carbon", V),
    "api.dashboard_figures": ("GET", "/api/v1/reports/dashboard", V),
    "api.get_commune": ("GET", "/api/v1/communes/19654", V),
    "api.commune_summary": ("GET", "/api/v1/communes/19654/summary", MAP),
    "api.place_here": ("GET", "/api/v1/here?lon=105.84&lat=21.59", MAP),
    "api.search": ("GET", "/api/v1/search?q=gia", MAP),
    "api.stand_summary": ("GET", "/api/v1/stands/999999", MAP),
    "api.nearest_trees": ("GET", "/api/v1/trees/nearest?lon=105.84&lat=21.59", MAP),
    "api.tree_card": ("GET", "/api/v1/trees/{tree}/card", MAP),
    "api.list_trees": ("GET", "/api/v1/trees", V),
    "api.get_tree": ("GET", "/api/v1/trees/{tree}", V),
    "api.create_tree": ("POST", "/api/v1/trees", F),
    "api.update_tree": ("PATCH", "/api/v1/trees/{tree}", M),
    "api.inspect_tree": ("POST", "/api/v1/trees/{tree}/inspections", F),
    "api.field_token": ("POST", "/api/v1/field/token", F),
    "api.field_trees": ("GET", "/api/v1/field/trees?commune_id=1", V),
    "api.sync_records": ("POST", "/api/v1/sync", F),
    "api.import_status": ("GET", "/api/v1/imports/{batch}", M),
    "tiles.trees": ("GET", "/tiles/trees/6/51/28.pbf", MAP),
    "tiles.stands": ("GET", "/tiles/stands/6/51/28.pbf", MAP),
    "tiles.communes": ("GET", "/tiles/communes/6/51/28.pbf", MAP),
    "tiles.basemap_tile": ("GET", "/tiles/basemap/6/51/28", MAP),
    "tiles.basemap_description": ("GET", "/tiles/basemap/info.json", MAP),
    "pages.admin_users": ("GET", "/admin/users", Role.ADMIN),
    "pages.admin_user_change": ("POST", "/admin/users/999999", Role.ADMIN),
    "pages.admin_audit": ("GET", "/admin/audit", Role.ADMIN),
    "pages.admin_nurseries": ("GET", "/admin/nurseries", Role.ADMIN),
    "pages.admin_audit_csv": ("GET", "/admin/audit.csv", Role.ADMIN),
    "pages.admin_species": ("GET", "/admin/species?q=keo", Role.ADMIN),
    "pages.admin_species_edit": ("GET", "/admin/species/999999", Role.ADMIN),
    "pages.admin_species_merge": ("GET", "/admin/species/999999/merge?into=1", Role.ADMIN),
    "pages.admin_communes": ("GET", "/admin/communes?q=dong", Role.ADMIN),
    "pages.admin_commune_edit": ("GET", "/admin/communes/05809", Role.ADMIN),
    "pages.admin_user_communes": ("GET", "/admin/users/999999/communes", Role.ADMIN),
    "ogc.landing": ("GET", "/ogcapi/", MAP),
    "ogc.conformance": ("GET", "/ogcapi/conformance", MAP),
    "ogc.definition": ("GET", "/ogcapi/api", MAP),
    "ogc.collections": ("GET", "/ogcapi/collections", MAP),
    "ogc.collection": ("GET", "/ogcapi/collections/trees", MAP),
    "ogc.queryables": ("GET", "/ogcapi/collections/trees/queryables", MAP),
    "ogc.items": ("GET", "/ogcapi/collections/trees/items?limit=2", MAP),
    "ogc.item": ("GET", "/ogcapi/collections/trees/items/{tree}", MAP),
    "vendor.asset": ("GET", "/vendor/leaflet/dist/leaflet.js", PUBLIC),
    "static": ("GET", "/static/js/basemap.js", PUBLIC),
    "pages.logout": ("POST", "/logout", SIGNED_IN),  # last: it ends the session
}
ROLES = (None, Role.VIEWER, Role.NURSERY, Role.FIELD, Role.MANAGER, Role.ADMIN)


def test_the_table_names_every_route_of_the_app(app):
    assert {rule.endpoint for rule in app.url_map.iter_rules()} == set(ROUTES)


def _allowed(who, role: Role | None, public_map: bool) -> bool:
    if who == PUBLIC or (who == MAP and public_map):
        return True
    if role is None:
        return False
    if who in (SIGNED_IN, MAP):
        return who == SIGNED_IN or role.allows(Role.VIEWER)
    return role.allows(who)


def _refused(response, role: Role | None) -> bool:
    if role is None:
        to_login = response.status_code == 302 and "/login" in response.headers["Location"]
        return response.status_code == 401 or to_login
    return response.status_code == 403


@pytest.mark.parametrize("public_map", [False, True], ids=["private map", "public map"])
@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value if r else "anonymous")
def test_every_route_lets_in_exactly_the_roles_it_names(app, client, monkeypatch, role, public_map):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)  # the role decides, not the form
    monkeypatch.setitem(app.config, "PUBLIC_MAP", public_map)
    tree = make_tree()
    batch = ImportBatch(filename="s.csv", source="s", status=ImportStatus.FAILED)
    db.session.add(batch)
    db.session.commit()
    if role is not None:
        sign_in(client, role)
    # The API checks a session's CSRF token before its role: send one, as the app's pages do.
    headers = {"X-CSRFToken": csrf_from(client, "/login")}
    wrong = []
    for endpoint, (method, path, who) in ROUTES.items():
        url = path.format(tree=tree.code, batch=batch.id)
        body = {} if method != "GET" else None
        response = client.open(url, method=method, json=body, headers=headers, buffered=True)
        allowed = _allowed(who, role, public_map)
        if response.status_code >= 500:
            wrong.append((endpoint, response.status_code, "server error"))
        elif allowed == _refused(response, role):
            wrong.append(
                (endpoint, response.status_code, "should pass" if allowed else "should stop")
            )
    assert wrong == []
