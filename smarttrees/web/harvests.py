"""Harvests and what they yield, on the desktop: record a harvest of a stand, add its batches,
split or process a batch, print the batches' labels, load batches on a vehicle (a shipment with
its bảng kê lâm sản) and take the shipment's EUDR geolocation file."""

import io
import zipfile

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext
from flask_login import current_user

from smarttrees.auth import role_required
from smarttrees.errors import Conflict, ValidationFailed
from smarttrees.geo.eudr import to_text
from smarttrees.models import ProductKind, Role
from smarttrees.services import labels
from smarttrees.services.custody import batches, eudr, harvests, shipments, trace
from smarttrees.services.custody.stands import recent_stand_choices
from smarttrees.web import bp
from smarttrees.web.custody import flash_refusal, refusal_errors
from smarttrees.web.printing import label_pdf

REFUSED = (ValidationFailed, Conflict)


@bp.route("/harvests", methods=["GET", "POST"])
@role_required(Role.MANAGER)
def harvest_list():
    errors = {}
    if request.method == "POST":
        try:
            harvest = harvests.create_harvest(request.form, actor=current_user)
            return redirect(url_for("pages.harvest_detail", harvest_id=harvest.id))
        except REFUSED as error:
            errors = refusal_errors(error)
    page = render_template(
        "custody/harvests.html",
        harvests=harvests.list_harvests(),
        stands=recent_stand_choices(),
        values=request.form,
        errors=errors,
    )
    return page, 422 if errors else 200


def _harvest_page(harvest, *, errors=None, values=None, status=200):
    made = trace.harvest_batches(harvest)
    page = render_template(
        "custody/harvest.html",
        harvest=harvest,
        batches=made,
        shipments=shipments.shipments_of([batch.id for batch in made]),
        kinds=[(kind.value, gettext(kind.value)) for kind in ProductKind],
        errors=errors or {},
        values=values or {},
        ticked=set(values.getlist("batch")) if hasattr(values, "getlist") else set(),
    )
    return page, status


@bp.get("/harvests/<int:harvest_id>")
@role_required(Role.MANAGER)
def harvest_detail(harvest_id: int):
    return _harvest_page(harvests.get_harvest(harvest_id))


@bp.post("/harvests/<int:harvest_id>/batches")
@role_required(Role.MANAGER)
def harvest_batch(harvest_id: int):
    harvest = harvests.get_harvest(harvest_id)
    try:
        batch = harvests.add_batch(harvest, request.form, actor=current_user)
    except REFUSED as error:
        return _harvest_page(harvest, errors=refusal_errors(error), values=request.form, status=422)
    flash(gettext("Batch %(code)s recorded.", code=batch.code))
    return redirect(url_for("pages.harvest_detail", harvest_id=harvest.id))


@bp.post("/b/<code>/split")
@role_required(Role.MANAGER)
def batch_split(code: str):
    batch = harvests.get_batch(code)
    volumes = [part for part in request.form.get("volumes", "").replace(";", " ").split() if part]
    try:
        parts = batches.split(batch, volumes, actor=current_user)
        flash(gettext("Split into %(codes)s.", codes=", ".join(p.code for p in parts)))
    except REFUSED as error:
        flash_refusal(error, {"volumes": gettext("Split into parts of (m³, separated by spaces)")})
    return redirect(url_for("pages.batch_tag", code=batch.code))


@bp.post("/b/<code>/process")
@role_required(Role.MANAGER)
def batch_process(code: str):
    batch = harvests.get_batch(code)
    try:
        made = batches.process(batch, request.form, actor=current_user)
        flash(gettext("Batch %(code)s recorded.", code=made.code))
    except REFUSED as error:
        labels = {"kind": gettext("Make"), "volume_m3": gettext("from (m³)"),
                  "yield_ratio": gettext("yield"), "mass_kg": gettext("Net mass (kg)")}  # fmt: skip
        flash_refusal(error, labels)
    return redirect(url_for("pages.batch_tag", code=batch.code))


@bp.post("/batches/merge")
@role_required(Role.MANAGER)
def batch_merge():
    """Join the ticked batches (one product, one species) into one."""
    harvest_id = request.form.get("harvest_id", type=int)
    try:
        merged = batches.merge(request.form.getlist("batch"), actor=current_user)
    except REFUSED as error:
        flash_refusal(error, {})
        if harvest_id:
            return redirect(url_for("pages.harvest_detail", harvest_id=harvest_id))
        raise
    flash(gettext("Batch %(code)s recorded.", code=merged.code))
    return redirect(url_for("pages.batch_tag", code=merged.code))


@bp.get("/harvests/<int:harvest_id>/labels.pdf")
@role_required(Role.MANAGER)
def harvest_labels(harvest_id: int):
    """A label for each batch of the harvest that still holds wood."""
    made = trace.harvest_batches(harvests.get_harvest(harvest_id))
    codes = tuple(batch.code for batch in made if batch.remaining_m3 > 0)
    return label_pdf(
        labels.Selection(batches=codes), default_layout="a4-2x5", filename="batches.pdf"
    )


@bp.post("/shipments")
@role_required(Role.MANAGER)
def shipment_new():
    harvest_id = request.form.get("harvest_id", type=int)
    try:
        shipment = shipments.create_shipment(
            request.form, request.form.getlist("batch"), actor=current_user
        )
    except REFUSED as error:
        if harvest_id:
            harvest = harvests.get_harvest(harvest_id)
            return _harvest_page(
                harvest, errors=refusal_errors(error), values=request.form, status=422
            )
        raise
    return redirect(url_for("pages.shipment_detail", shipment_id=shipment.id))


@bp.get("/shipments/<int:shipment_id>")
@role_required(Role.VIEWER)
def shipment_detail(shipment_id: int):
    shipment = shipments.get_shipment(shipment_id)
    repair = request.args.get("repair") == "1"
    found = eudr.statement([item.batch.code for item in shipment.items], repair=repair)
    return render_template(
        "custody/shipment.html",
        shipment=shipment,
        statement=found,
        repair=repair,
        violations=eudr.violations_json(found.geolocation),
        repairs=eudr.repairs_json(found.geolocation),
        evidence=eudr.evidence_json(found),
    )


@bp.get("/shipments/<int:shipment_id>/eudr")
@role_required(Role.MANAGER)
def shipment_eudr(shipment_id: int):
    """The geolocation file: one FeatureCollection, or a zip of one per producer."""
    shipment = shipments.get_shipment(shipment_id)
    repair = request.args.get("repair") == "1"
    found = eudr.statement([item.batch.code for item in shipment.items], repair=repair)
    if not found.ok:
        flash(gettext("The EUDR file cannot be made yet: see what to do by stand."), "error")
        return redirect(url_for("pages.shipment_detail", shipment_id=shipment.id))
    collections = list(found.geolocation.collections.values())
    if len(collections) == 1:
        body = io.BytesIO(to_text(collections[0]).encode())
        return send_file(body, mimetype="application/geo+json", as_attachment=True,
                         download_name=f"{shipment.number}-eudr.geojson")  # fmt: skip
    body = io.BytesIO()
    with zipfile.ZipFile(body, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, collection in enumerate(collections, start=1):
            archive.writestr(f"{shipment.number}-eudr-{index}.geojson", to_text(collection))
    body.seek(0)
    return send_file(
        body,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"{shipment.number}-eudr.zip",
    )
