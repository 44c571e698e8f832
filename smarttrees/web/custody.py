"""Custody pages: a lot's page (/l/<code>, what its label opens) with its ledger and the form
that records the next event, on a phone too; the list of lots and a new lot; a batch's page
(/b/<code>) with its trace; a shipment's bảng kê lâm sản as PDF.

Without login a label opens the public verification card: species, origin commune, dates and
status, nothing internal."""

import io

from flask import current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext
from flask_login import current_user

from smarttrees.auth import role_required
from smarttrees.error_handlers import translate_details
from smarttrees.errors import Conflict, NotFound, ValidationFailed
from smarttrees.extensions import login
from smarttrees.labels import product_list
from smarttrees.labels.addresses import label_base_url
from smarttrees.models import LotEventKind, Propagation, Role
from smarttrees.services import custody, inventory, labels, reports
from smarttrees.services.custody import batches, eudr, shipments, trace
from smarttrees.services.custody.stands import stand_choices
from smarttrees.web import bp
from smarttrees.web.field import may_see, not_found

# The events a person records by hand; moves between lots come from split and merge.
RECORDED = [kind for kind in LotEventKind if kind.value not in ("moved_in", "moved_out")]


def _lot_page(lot, *, values=None, errors=None, status=200):
    may_record = custody.may_record(current_user, lot)
    staff = current_user.is_authenticated
    before = request.args.get("before", type=int)
    events, older = custody.ledger_page(lot, before=before) if staff else ([], None)
    page = render_template(
        "custody/lot.html",
        lot=lot,
        staff=staff,
        events=events,
        older=older,
        totals=custody.ledger_totals(lot) if staff else [],
        arrival=custody.arrival(lot) if staff else None,
        survival=reports.survival("lot", lot.id) if staff else None,
        may_record=may_record,
        may_print=custody.may_print_label(current_user, lot),
        kinds=[(kind.value, gettext(kind.value)) for kind in RECORDED],
        stands=stand_choices(lot) if may_record else [],
        values=values or {},
        errors=errors or {},
    )
    return page, status


@bp.get("/l/<code>")
def lot_tag(code: str):
    if not may_see():
        return login.unauthorized()
    scan = labels.scan_lot(code)
    if scan.record is None:
        return not_found(scan, "lot")
    return _lot_page(scan.record)


@bp.post("/l/<code>/events")
@role_required(Role.NURSERY)
def lot_event(code: str):
    lot = custody.get_lot(code)
    try:
        event = custody.record(lot, request.form, actor=current_user)
    except (ValidationFailed, Conflict) as error:
        return _lot_page(lot, values=request.form, errors=refusal_errors(error), status=422)
    flash(gettext("Recorded: %(event)s, %(quantity)s.", event=gettext(event.kind.value),
                  quantity=f"{event.quantity:,}".replace(",", ".")))  # fmt: skip
    if event.counterpart_lot_id and event.kind == LotEventKind.DISPATCHED:
        flash(gettext("The seedlings sent travel as lot %(code)s: print its label.",
                      code=custody.lot_code(event.counterpart_lot_id)))  # fmt: skip
    return redirect(url_for("pages.lot_tag", code=lot.code))


@bp.get("/l/<code>/trace")
@role_required(Role.VIEWER)
def lot_trace(code: str):
    """Everything the lot went into: its lots, the stands planted, their trees and batches."""
    found = trace.forward_from_lot(custody.get_lot(code))
    stands = list({row["stand"].id: row["stand"] for row in found["planted"]}.values())
    return render_template(
        "custody/lot_trace.html",
        trace=found,
        stands=trace.stands_geojson(stands),
        reached=trace.tree_filters(found),
    )


@bp.post("/l/<code>/split")
@role_required(Role.NURSERY)
def lot_split(code: str):
    lot = custody.get_lot(code)
    try:
        part = custody.split(lot, request.form.get("quantity", ""), actor=current_user)
    except (ValidationFailed, Conflict) as error:
        flash_refusal(error, {"quantity": gettext("Split off a new lot of")})
        return redirect(url_for("pages.lot_tag", code=lot.code))
    return redirect(url_for("pages.lot_tag", code=part.code))


def refusal_errors(error) -> dict[str, str]:
    """A refusal's messages by field, translated; the message itself when it names none."""
    return translate_details(error.details) or {"form": gettext(error.message)}


def flash_refusal(error, labels: dict[str, str]) -> None:
    """A refused action of a small form, said at the top of the page: each field by its label."""
    details = translate_details(error.details) or {}
    parts = [f"{labels.get(name, '')}: {text}".lstrip(": ") for name, text in details.items()]
    flash(" ".join(parts) or gettext(error.message), "error")


@bp.post("/l/<code>/merge")
@role_required(Role.NURSERY)
def lot_merge(code: str):
    """Move all the lot holds into another lot of the same species and nursery."""
    lot = custody.get_lot(code)
    try:
        target = custody.merge(
            lot, custody.get_lot(request.form.get("target", "")), actor=current_user
        )
    except (ValidationFailed, Conflict, NotFound) as error:
        flash_refusal(error, {"target": gettext("Merge all of it into lot")})
        return redirect(url_for("pages.lot_tag", code=lot.code))
    return redirect(url_for("pages.lot_tag", code=target.code))


@bp.route("/l/<code>/edit", methods=["GET", "POST"])
@role_required(Role.NURSERY)
def lot_edit(code: str):
    """Correct a lot's facts (its stock moves only through the ledger)."""
    lot = custody.get_lot(code)
    custody.ensure_may_record(current_user, lot)
    errors, values = {}, request.form if request.method == "POST" else _lot_values(lot)
    if request.method == "POST":
        try:
            custody.edit_lot(lot, request.form, actor=current_user)
            return redirect(url_for("pages.lot_tag", code=lot.code))
        except ValidationFailed as error:
            errors = translate_details(error.details)
    return _lot_form(values, errors, lot=lot)


def _lot_values(lot) -> dict:
    values = {name: getattr(lot, name) for name in custody.LOT_FIELDS}
    for name in ("sown_on", "certificate_date"):
        values[name] = values[name].strftime("%d/%m/%Y") if values[name] else ""
    values["propagation"] = lot.propagation.value if lot.propagation else ""
    return values


def _lot_form(values, errors, *, lot=None):
    page = render_template(
        "custody/lot_form.html",
        lot=lot,
        values=values,
        errors=errors,
        nurseries=custody.nurseries_for(current_user),
        species=[(s.id, s.label) for s in inventory.list_species()],
        propagations=list(Propagation),
    )
    return page, 422 if errors else 200


@bp.get("/lots")
@role_required(Role.NURSERY)
def lot_list():
    return render_template("custody/lots.html", lots=custody.lots_for(current_user))


@bp.route("/lots/new", methods=["GET", "POST"])
@role_required(Role.NURSERY)
def lot_new():
    errors, values = {}, dict(request.form)
    if request.method == "POST":
        try:
            lot = custody.new_lot(request.form, actor=current_user)
            return redirect(url_for("pages.lot_tag", code=lot.code))
        except ValidationFailed as error:
            errors = translate_details(error.details)
    return _lot_form(values, errors)


@bp.get("/b/<code>")
def batch_tag(code: str):
    if not may_see():
        return login.unauthorized()
    scan = labels.scan_batch(code)
    if scan.record is None:
        return not_found(scan, "batch")
    batch = scan.record
    found = trace.back_from_batch(batch) if current_user.is_authenticated else None
    return render_template(
        "custody/batch.html",
        batch=batch,
        trace=found,
        lineage=batches.lineage(batch),
        stands=trace.stands_geojson(found["stands"]) if found else None,
        reached=trace.tree_filters(found) if found else None,
        verdict=eudr.batch_verdict(batch),
    )


@bp.get("/shipments/<int:shipment_id>/list.pdf")
@role_required(Role.MANAGER)
def shipment_pdf(shipment_id: int):
    """The shipment's bảng kê lâm sản, to print and sign."""
    shipment = shipments.get_shipment(shipment_id)
    config = current_app.config
    base = label_base_url(
        config["BASE_URL"], used=request.host_url, production=config["PRODUCTION"]
    )
    form = shipments.product_list(shipment, verify_url=f"{base}/shipments/{shipment.id}")
    out = io.BytesIO()
    product_list.render(
        form, out, regular_font=config["LABEL_FONT"], bold_font=config["LABEL_FONT_BOLD"]
    )
    out.seek(0)
    return send_file(out, mimetype="application/pdf", download_name=f"{shipment.number}.pdf")
