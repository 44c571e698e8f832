"""Custody through its real doors: the lot page's form, the JSON API (the phone's outbox), the
trace both ways, the EUDR command and the bảng kê lâm sản PDF."""

import json
import re
import subprocess
from datetime import UTC, date, datetime, timedelta

import pytest
from geoalchemy2.shape import from_shape
from shapely.geometry import MultiPolygon, Polygon

from smarttrees.extensions import db
from smarttrees.models import LotEventKind, Role, Stand
from smarttrees.services import custody
from smarttrees.services.custody import batches, harvests, shipments
from tests.helpers.factories import make_stand, species_named
from tests.helpers.web import csrf_from, sign_in

pytestmark = pytest.mark.external


def _chain():
    """A lot sown, dispatched, received and planted in a stand; the stand harvested into logs,
    split, and part chipped."""
    nursery = custody.create_nursery(name="Vườn ươm Đại Từ")
    lot = custody.create_lot(
        species_id=species_named("Acacia mangium").id, nursery_id=nursery.id,
        seed_source="Rừng giống Ba Vì", seed_source_code="RG.01.01",
    )  # fmt: skip
    stand = make_stand()
    custody.record_event(lot, LotEventKind.SOWN, 5000)
    sent = custody.dispatch(lot, 3000, actor=None, counterparty="Hộ ông Đức")
    grower = custody.get_lot(custody.lot_code(sent.counterpart_lot_id))
    custody.record_event(grower, LotEventKind.RECEIVED, 2990, losses=10)
    custody.record_event(grower, LotEventKind.PLANTED, 2990, stand_id=stand.id)
    harvest = harvests.create_harvest(
        {"stand_id": stand.id, "harvested_on": "15/10/2026", "area_ha": "4"}, actor=None
    )
    logs = harvests.add_batch(harvest, {"kind": "log", "volume_m3": "40"}, actor=None)
    part, _ = batches.split(logs, ["30", "10"], actor=None)
    chips = batches.process(
        part, {"kind": "chips", "volume_m3": "20", "yield_ratio": "0,9"}, actor=None
    )
    return lot, grower, stand, logs, part, chips


def test_the_lot_page_records_a_dispatch_and_names_a_wrong_field_in_vietnamese(client):
    lot = _chain()[0]
    sign_in(client, Role.MANAGER)
    token = csrf_from(client, f"/l/{lot.code}")
    bad = client.post(
        f"/l/{lot.code}/events",
        data={"csrf_token": token, "kind": "dispatched", "quantity": "0", "counterparty": "A"},
    )
    assert bad.status_code == 422
    assert "Số phải lớn hơn 0." in bad.get_data(as_text=True)
    good = client.post(
        f"/l/{lot.code}/events",
        data={"csrf_token": token, "kind": "dispatched", "quantity": "1.000",
              "counterparty": "HTX Yên Lạc", "occurred_on": date.today().strftime("%d/%m/%Y")},
        follow_redirects=True,
    )  # fmt: skip
    page = good.get_data(as_text=True)
    assert good.status_code == 200 and "HTX Yên Lạc" in page
    db.session.refresh(lot)
    assert lot.quantity_on_hand == 1000  # 5.000 sown − 3.000 − 1.000 dispatched
    sent_as = lot.events[-1].counterpart_lot_id
    assert custody.lot_code(sent_as) in page  # "print its label" names the new lot


def test_the_api_records_an_outbox_event_once_and_names_bad_fields(client):
    lot = _chain()[0]
    sign_in(client, Role.FIELD)
    headers = {"X-CSRFToken": csrf_from(client, "/login")}
    body = {"kind": "lost", "quantity": 20, "reason": "Sâu hại", "client_id": "ph-9:1",
            "occurred_at": datetime.now(UTC).isoformat()}  # fmt: skip
    first = client.post(f"/api/v1/lots/{lot.code}/events", json=body, headers=headers)
    again = client.post(f"/api/v1/lots/{lot.code}/events", json=body, headers=headers)
    assert first.status_code == 201 and again.get_json()["id"] == first.get_json()["id"]
    assert again.get_json()["quantity_on_hand"] == 1980
    bad = client.post(
        f"/api/v1/lots/{lot.code}/events",
        json={"kind": "lost", "quantity": "NaN", "reason": "x"}, headers=headers,
    )  # fmt: skip
    assert bad.status_code == 422 and "quantity" in bad.get_json()["error"]["details"]
    missing = client.post("/api/v1/lots/S0000000/events", json=body, headers=headers)
    assert missing.status_code == 404


def test_a_batch_traces_back_to_its_lots_and_a_lot_forward_to_its_batches(client):
    lot, grower, stand, logs, part, chips = _chain()
    sign_in(client, Role.VIEWER)
    back = client.get(f"/api/v1/trace/batches/{chips.code}").get_json()
    assert [b["code"] for b in back["batches"]] == [chips.code, part.code, logs.code]
    assert [s["id"] for s in back["stands"]] == [stand.id]
    assert back["stands"][0]["geometry"]["type"] == "MultiPolygon"
    assert {lot_["code"] for lot_ in back["lots"]} == {lot.code, grower.code}
    assert back["planted"][0]["quantity"] == 2990
    assert back["seed_sources"] == ["RG.01.01 — Rừng giống Ba Vì"]
    forward = client.get(f"/api/v1/trace/lots/{lot.code.lower()}").get_json()
    assert {b["code"] for b in forward["batches"]} >= {logs.code, part.code, chips.code}
    page = client.get(f"/b/{chips.code}").get_data(as_text=True)
    assert lot.code in page and "Vườn ươm Đại Từ" in page and 'id="trace-map"' in page
    forward_page = client.get(f"/l/{lot.code}/trace").get_data(as_text=True)
    assert grower.code in forward_page and chips.code in forward_page and "2.990" in forward_page


def test_the_public_batch_card_shows_no_owner(client, public_map):
    chips = _chain()[-1]
    page = client.get(f"/b/{chips.code}").get_data(as_text=True)
    assert chips.code in page and "Nguyễn Văn Đức" not in page and "Hộ ông Đức" not in page
    assert "Không gây mất rừng" in page  # the stand was planted in 2019: a rotation harvest


def test_the_eudr_command_writes_a_file_the_eu_system_reads(runner, tmp_path):
    chips = _chain()[-1]
    out = tmp_path / "eudr" / "shipment.geojson"
    result = runner.invoke(args=["custody", "eudr", "--batch", chips.code, "-o", str(out)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["facts"][0]["hs_heading"] == "4401" and summary["violations"] == []
    collection = json.loads(out.read_text())
    feature = collection["features"][0]
    assert feature["properties"] == {
        "ProducerName": "Hộ ông Nguyễn Văn Đức", "ProducerCountry": "VN",
        "ProductionPlace": feature["properties"]["ProductionPlace"],
    }  # fmt: skip
    assert "tiểu khu 123" in feature["properties"]["ProductionPlace"]
    lon_text = out.read_text().split('"coordinates":[[[')[1].split(",")[0]
    assert len(lon_text.split(".")[1]) == 6


def test_a_stand_with_a_hole_stops_the_eudr_file_until_repaired_with_the_change_shown(
    runner, tmp_path
):
    chips = _chain()[-1]
    stand = db.session.get(Stand, chips.stand_id)
    shell = Polygon([(105.70, 21.60), (105.71, 21.60), (105.71, 21.61), (105.70, 21.61)])
    hole = [(105.704, 21.604), (105.706, 21.604), (105.706, 21.606), (105.704, 21.606)]
    stand.geom = from_shape(MultiPolygon([Polygon(shell.exterior.coords, [hole])]), srid=4326)
    db.session.commit()
    out = tmp_path / "x.geojson"
    refused = runner.invoke(args=["custody", "eudr", "--batch", chips.code, "-o", str(out)])
    assert refused.exit_code == 1 and not out.exists()
    violation = json.loads(refused.output.split("\nError")[0])["violations"][0]
    assert (violation["code"], violation["stand_id"]) == ("polygon_has_hole", stand.id)
    repaired = runner.invoke(
        args=["custody", "eudr", "--batch", chips.code, "-o", str(out), "--repair"]
    )
    assert repaired.exit_code == 0, repaired.output
    repair = json.loads(repaired.output)["repairs"][0]
    assert repair["area_after_ha"] > repair["area_before_ha"]  # the hole's 4.6 ha filled in
    rings = json.loads(out.read_text())["features"][0]["geometry"]["coordinates"]
    assert len(rings) == 1  # the hole is gone: an outer ring only


def test_a_shipment_prints_its_numbered_product_list(client, tmp_path):
    part, chips = _chain()[-2:]
    shipment = shipments.create_shipment(
        {"shipped_on": date.today().strftime("%d/%m/%Y"), "owner_name": "Hộ ông Đức",
         "buyer_name": "Công ty TNHH Gỗ Thái Nguyên", "vehicle": "20C-123.45"},
        [part.code, chips.code], actor=None,
    )  # fmt: skip
    assert re.fullmatch(rf"BK-{date.today().year}-\d{{6}}", shipment.number)
    assert [item.volume_m3 for item in shipment.items] == [10, 18]  # what was left of each
    sign_in(client, Role.MANAGER)
    response = client.get(f"/shipments/{shipment.id}/list.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = tmp_path / "list.pdf"
    pdf.write_bytes(response.data)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert shipment.number in text and chips.code in text and "Công ty TNHH Gỗ Thái Nguyên" in text
    assert "28,000" in text  # 10 + 18 m³, written the Vietnamese way


def test_a_used_up_batch_cannot_be_shipped():
    logs = _chain()[3]
    with pytest.raises(Exception) as refused:
        shipments.create_shipment(
            {"shipped_on": (date.today() - timedelta(days=1)).strftime("%d/%m/%Y"),
             "owner_name": "A", "buyer_name": "B"}, [logs.code], actor=None,
        )  # fmt: skip
    assert refused.value.details == {"batches": f"These batches were used up: {logs.code}"}


def test_the_shipment_page_repairs_a_holed_stand_only_when_asked_and_shows_the_change(client):
    chips = _chain()[-1]
    stand = db.session.get(Stand, chips.stand_id)
    shell = [(105.70, 21.60), (105.71, 21.60), (105.71, 21.61), (105.70, 21.61)]
    hole = [(105.704, 21.604), (105.706, 21.604), (105.706, 21.606), (105.704, 21.606)]
    stand.geom = from_shape(MultiPolygon([Polygon(shell, [hole])]), srid=4326)
    db.session.commit()
    shipment = shipments.create_shipment(
        {"shipped_on": date.today().strftime("%d/%m/%Y"), "owner_name": "A", "buyer_name": "B"},
        [chips.code], actor=None,
    )  # fmt: skip
    sign_in(client, Role.MANAGER)
    page = client.get(f"/shipments/{shipment.id}").get_data(as_text=True)
    assert "Ranh giới lô rừng có lỗ thủng." in page and "Tải tệp vị trí địa lý" not in page
    assert client.get(f"/shipments/{shipment.id}/eudr").status_code == 302  # refused
    repaired = client.get(f"/shipments/{shipment.id}?repair=1").get_data(as_text=True)
    assert 'id="repairs"' in repaired and "Tải tệp vị trí địa lý (đã sửa)" in repaired
    geo = client.get(f"/shipments/{shipment.id}/eudr?repair=1")
    assert geo.status_code == 200
    assert json.loads(geo.data)["features"][0]["geometry"]["type"] == "Polygon"
