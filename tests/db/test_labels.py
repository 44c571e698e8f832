"""Labels: real PDFs, rasterised by pdftoppm, every code decoded by zxing-cpp."""

import io
import re
import subprocess
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import zxingcpp
from PIL import Image

from smarttrees.labels.sheets import LAYOUTS, register_fonts
from smarttrees.models import LotEventKind, Role
from smarttrees.services import custody, labels
from tests.helpers.factories import PASSWORD, make_tree, make_user, species_named
from tests.helpers.web import csrf_from, sign_in

pytestmark = pytest.mark.external
BASE_URL = "https://cay.thainguyen.example"


@pytest.fixture
def fonts(app):
    return register_fonts(app.config["LABEL_FONT"], app.config["LABEL_FONT_BOLD"])


def _lot(name="Vườn ươm Đại Từ"):
    nursery = custody.create_nursery(name=name)
    lot = custody.create_lot(
        species_id=species_named("Acacia mangium").id,
        nursery_id=nursery.id,
        seed_source="Rừng giống Ba Vì",
    )
    custody.record_event(lot, LotEventKind.SOWN, 5000)
    return lot


def render(selection, fonts, tmp_path: Path, *, layout="a4-3x8", code128=True) -> Path:
    pdf = tmp_path / "labels.pdf"
    with pdf.open("wb") as out:
        labels.write_labels(
            selection, out, base_url=BASE_URL, layout=layout, fonts=fonts, code128=code128
        )
    return pdf


def decode_pdf(pdf: Path, dpi: int = 300) -> dict[str, set[str]]:
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(pdf.with_suffix(""))], check=True
    )
    found = {"QRCode": set(), "Code128": set()}
    for page in sorted(pdf.parent.glob(pdf.stem + "-*.png")):
        for result in zxingcpp.read_barcodes(Image.open(page)):
            found.setdefault(result.format.name, set()).add(result.text)
    return found


def test_every_tree_label_decodes_to_the_url_of_its_tree(client, fonts, tmp_path, public_map):
    planted = [make_tree(commune=c) for c in ("Gia Sàng", "Quan Triều", "Bắc Kạn")]
    selection = labels.Selection(codes=tuple(t.code for t in planted))
    found = decode_pdf(render(selection, fonts, tmp_path))
    assert found["QRCode"] == {f"{BASE_URL}/t/{t.code}" for t in planted}
    assert found["Code128"] == {t.code for t in planted}
    for url in found["QRCode"]:
        page = client.get(urlsplit(url).path)
        assert page.status_code == 200
        assert url.rsplit("/", 1)[1] in page.get_data(as_text=True)


def test_lot_labels_decode_to_the_lot_page(client, fonts, tmp_path, public_map):
    lot = _lot()
    found = decode_pdf(
        render(labels.Selection(lots=(lot.code,)), fonts, tmp_path, layout="tag-50x30")
    )
    assert found["QRCode"] == {f"{BASE_URL}/l/{lot.code}"}
    page = client.get(f"/l/{lot.code}").get_data(as_text=True)
    # The public card names the nursery (as the label does) but not its stock.
    assert "Vườn ươm Đại Từ" in page and "5.000" not in page
    sign_in(client, Role.VIEWER)
    assert "5.000" in client.get(f"/l/{lot.code}").get_data(as_text=True)


@pytest.mark.parametrize("code128", [False, True])
def test_a_full_a4_sheet_keeps_its_print_off_the_edge_an_office_printer_cannot_reach(
    fonts, tmp_path, code128
):
    """a4-3x8 labels fill the page: what each one prints stays 4 mm inside the sheet's edges
    (the third column touched the right edge), and every code still decodes."""
    import numpy as np

    planted = [make_tree(notes=None) for _ in range(24)]
    selection = labels.Selection(codes=tuple(t.code for t in planted))
    pdf = render(selection, fonts, tmp_path, code128=code128)
    found = decode_pdf(pdf, dpi=254)  # 10 pixels a millimetre
    assert len(found["QRCode"]) == 24
    assert len(found["Code128"]) == (24 if code128 else 0)
    ink = np.asarray(Image.open(next(tmp_path.glob("labels-*.png"))).convert("L")) < 200
    edge = 40  # pixels: 4 mm
    assert ink[:, -edge:].sum() == 0 and ink[:, :edge].sum() == 0
    assert ink[:edge, :].sum() == 0 and ink[-edge:, :].sum() == 0
    assert ink[:, -120:].sum() > 0  # the third column still prints near its edge


def test_vietnamese_names_are_in_the_pdf_text_with_an_embedded_font(fonts, tmp_path):
    tree = make_tree()
    pdf = render(labels.Selection(codes=(tree.code,)), fonts, tmp_path, code128=False)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Bằng lăng nước" in unicodedata.normalize("NFC", text)
    assert "Phan Đình Phùng" in unicodedata.normalize("NFC", text)
    font_table = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    dejavu = [line for line in font_table.splitlines() if "DejaVuSans" in line]
    assert len(dejavu) == 2  # regular and bold, both subset-embedded
    assert all(line.split()[3:5] == ["yes", "yes"] for line in dejavu)


@pytest.mark.parametrize(("layout", "pages"), [("a4-3x8", 2), ("a4-2x5", 3), ("tag-50x30", 25)])
def test_layouts_put_the_right_number_of_labels_on_a_page(fonts, tmp_path, layout, pages):
    planted = [make_tree() for _ in range(25)]
    pdf = render(
        labels.Selection(codes=tuple(t.code for t in planted)),
        fonts,
        tmp_path,
        layout=layout,
        code128=False,
    )
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert re.search(r"^Pages:\s+(\d+)$", info, re.M).group(1) == str(pages)
    assert LAYOUTS[layout].per_page * pages >= 25


def test_a_selection_with_an_unknown_code_is_refused(fonts):
    tree = make_tree()
    with pytest.raises(Exception) as refused:
        labels.write_labels(
            labels.Selection(codes=(tree.code, "ZZZZZZZ")),
            io.BytesIO(),
            base_url=BASE_URL,
            layout="a4-3x8",
            fonts=fonts,
        )
    assert refused.value.details == {"codes": ["ZZZZZZZ"]}


def test_cli_writes_a_sheet(runner, tmp_path):
    trees = [make_tree(), make_tree()]
    out = tmp_path / "cli.pdf"
    codes = ",".join(t.code for t in trees)
    result = runner.invoke(args=["labels", "sheet", "--codes", codes, "--code128", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 labels" in result.output
    assert decode_pdf(out)["Code128"] == {t.code for t in trees}
    bad = runner.invoke(args=["labels", "sheet", "--codes", "ZZZZZZZ", "-o", str(out)])
    assert bad.exit_code == 1 and "ZZZZZZZ" in bad.output


def test_print_labels_of_the_filtered_list(client, tmp_path):
    user = make_user(Role.FIELD)
    client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_from(client)}
    )
    wanted = make_tree(commune="Gia Sàng")
    make_tree(commune="Quan Triều")
    response = client.get(f"/trees/labels.pdf?commune_id={wanted.commune_id}&layout=a4-2x5")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = tmp_path / "web.pdf"
    pdf.write_bytes(response.data)
    assert {urlsplit(u).path for u in decode_pdf(pdf)["QRCode"]} == {f"/t/{wanted.code}"}


def test_a_viewer_cannot_print_labels(client):
    user = make_user(Role.VIEWER)
    client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_from(client)}
    )
    assert client.get("/trees/labels.pdf").status_code == 403


def test_a_mistyped_code_is_answered_with_did_you_mean(client, public_map):
    tree = make_tree()
    typo = tree.code[:3] + ("X" if tree.code[3] != "X" else "Y") + tree.code[4:]
    response = client.get(f"/t/{typo.lower()}")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Có phải bạn muốn tìm" in page and f"/t/{tree.code}" in page


def test_an_unused_pre_printed_code_offers_to_tag_a_tree(client):
    from smarttrees.labels import codes

    user = make_user(Role.FIELD)
    client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_from(client)}
    )
    unused = codes.encode(999_999)
    page = client.get(f"/t/{unused}").get_data(as_text=True)
    assert f"/trees/new?code={unused}" in page


def test_tag_pages_need_a_login_when_the_map_is_not_public(client):
    tree = make_tree()
    response = client.get(f"/t/{tree.code}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_reserved_roll_prints_fresh_codes_that_new_trees_can_take(runner, client, tmp_path):
    out = tmp_path / "roll.pdf"
    result = runner.invoke(args=["labels", "reserve", "--count", "3", "-o", str(out)])
    assert result.exit_code == 0, result.output
    urls = decode_pdf(out)["QRCode"]
    assert len(urls) == 3
    code = sorted(urls)[0].rsplit("/", 1)[1]
    assert make_tree(code=code).code == code  # the tag is assigned to a tree in the field
    assert make_tree().code not in {u.rsplit("/", 1)[1] for u in urls}  # never reissued


def test_the_map_view_prints_the_trees_inside_it(client, tmp_path):
    user = make_user(Role.FIELD)
    client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_from(client)}
    )
    inside = make_tree(commune="Gia Sàng", planted_on="01/05/2018")
    make_tree(commune="Bắc Kạn", planted_on="01/05/2018")
    make_tree(commune="Gia Sàng", planted_on="01/05/2019")
    lon, lat = _point(inside)
    bbox = f"{lon - 0.01},{lat - 0.01},{lon + 0.01},{lat + 0.01}"
    response = client.get(f"/trees/labels.pdf?bbox={bbox}&year=2018&margin_left=4&margin_top=5")
    pdf = tmp_path / "view.pdf"
    pdf.write_bytes(response.data)
    assert {urlsplit(u).path for u in decode_pdf(pdf)["QRCode"]} == {f"/t/{inside.code}"}


def _point(tree):
    from geoalchemy2.shape import to_shape

    point = to_shape(tree.geom)
    return point.x, point.y


def test_a_lot_label_prints_from_its_page(client, tmp_path, public_map):
    lot = _lot()
    user = make_user(Role.FIELD)
    client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_from(client)}
    )
    assert f"/l/{lot.code}/label.pdf" in client.get(f"/l/{lot.code}").get_data(as_text=True)
    pdf = tmp_path / "lot.pdf"
    pdf.write_bytes(client.get(f"/l/{lot.code}/label.pdf").data)
    assert {urlsplit(u).path for u in decode_pdf(pdf)["QRCode"]} == {f"/l/{lot.code}"}


def test_a_print_button_with_an_unreadable_margin_names_the_field(client):
    from tests.helpers.web import sign_in

    sign_in(client, Role.FIELD)
    make_tree(commune="Gia Sàng")
    response = client.get("/trees/labels.pdf?margin_left=bốn&margin_top=5")
    assert response.status_code == 422
    assert "margins" in response.get_data(as_text=True)


def test_a_printed_label_opens_from_the_address_phones_reach_not_the_printing_host(
    app, client, tmp_path, public_map
):
    from tests.helpers.web import sign_in

    sign_in(client, Role.FIELD)
    tree = make_tree(commune="Gia Sàng")
    previous = app.config["BASE_URL"]
    app.config["BASE_URL"] = "https://cayxanh.example.vn"
    try:
        # printed at http://localhost/, on A4 sheets of 2 × 5 with a margin for a note
        response = client.get(f"/trees/labels.pdf?q={tree.code}&layout=a4-2x5")
    finally:
        app.config["BASE_URL"] = previous
    pdf = tmp_path / "printed.pdf"
    pdf.write_bytes(response.data)
    (url,) = decode_pdf(pdf)["QRCode"]
    assert url == f"https://cayxanh.example.vn/t/{tree.code}"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "https://cayxanh.example.vn/t/" in text  # the page says where its codes lead
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "https://cayxanh.example.vn/t/" in info  # and the PDF's title, on any sheet
    parts = urlsplit(url)
    opened = client.get(parts.path, base_url=f"{parts.scheme}://{parts.netloc}")
    assert opened.status_code == 200 and tree.code in opened.get_data(as_text=True)


def test_without_a_base_url_a_label_carries_the_address_the_browser_used(client, tmp_path):
    from tests.helpers.web import CSRF_INPUT

    # The office's browser reaches the app at its address on the government network.
    lan = "http://10.20.0.5:5000"
    user = make_user(Role.FIELD)
    login = client.get("/login", base_url=lan).get_data(as_text=True)
    form = {"email": user.email, "password": PASSWORD}
    form["csrf_token"] = CSRF_INPUT.search(login).group(1)
    client.post("/login", data=form, base_url=lan)
    tree = make_tree(commune="Gia Sàng")
    response = client.get(f"/trees/labels.pdf?q={tree.code}", base_url=lan)
    assert response.status_code == 200
    pdf = tmp_path / "lan.pdf"
    pdf.write_bytes(response.data)
    assert decode_pdf(pdf)["QRCode"] == {f"{lan}/t/{tree.code}"}


def test_production_settings_refuse_labels_that_lead_to_this_computer(app, client, runner):
    from tests.helpers.web import sign_in

    sign_in(client, Role.FIELD)
    tree = make_tree(commune="Gia Sàng")
    app.config["PRODUCTION"] = True
    try:
        response = client.get(f"/trees/labels.pdf?q={tree.code}")  # http://localhost/
        printed = runner.invoke(args=["labels", "sheet", "--codes", tree.code, "-o", "/dev/null"])
    finally:
        app.config["PRODUCTION"] = False
    assert response.status_code == 409
    assert "SMARTTREES_BASE_URL" in response.get_data(as_text=True)
    assert printed.exit_code == 1 and "SMARTTREES_BASE_URL" in printed.output


def test_a_roll_of_fresh_tags_is_printed_from_the_browser(client, tmp_path):
    """A field supervisor reserves 6 codes in the browser; the PDF's QR codes decode to the
    addresses of those fresh codes, which new trees can then take; a count that is not one is
    refused naming the field."""
    from tests.helpers.web import sign_in

    sign_in(client, Role.FIELD)
    page = client.get("/labels/roll").get_data(as_text=True)
    assert "Thẻ 50 × 30 mm (máy in nhãn)" in page and "A4, 3 × 8 nhãn cỡ 70 × 37 mm" in page
    csrf = csrf_from(client, "/labels/roll")
    answer = client.post(
        "/labels/roll",
        data={"count": "6", "layout": "a4-3x8", "csrf_token": csrf},
    )
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    first, last = re.search(
        r"tags-(\w+)-(\w+)\.pdf", answer.headers["Content-Disposition"]
    ).groups()
    pdf = tmp_path / "roll.pdf"
    pdf.write_bytes(answer.data)
    urls = decode_pdf(pdf)["QRCode"]
    assert len(urls) == 6
    assert f"http://localhost/t/{first}" in urls and f"http://localhost/t/{last}" in urls
    refused = client.post("/labels/roll", data={"count": "²", "csrf_token": csrf})
    assert refused.status_code == 422 and "count" in refused.get_data(as_text=True)


def test_the_print_forms_warn_before_printing_codes_that_lead_to_this_computer(client):
    """The trial printed tags that led phones to 127.0.0.1: the page now says so first."""
    from tests.helpers.web import CSRF_INPUT

    make_tree(commune="Gia Sàng")
    for base, warned in (("http://127.0.0.1:5000", True), ("http://10.20.0.5:5000", False)):
        user = make_user(Role.FIELD)
        login = client.get("/login", base_url=base).get_data(as_text=True)
        form = {"email": user.email, "password": PASSWORD}
        form["csrf_token"] = CSRF_INPUT.search(login).group(1)
        client.post("/login", data=form, base_url=base)
        for page in ("/trees", "/labels/roll"):
            html = client.get(page, base_url=base).get_data(as_text=True)
            assert ('id="label-address-warning"' in html) is warned, (base, page)
            assert ("127.0.0.1:5000" in html) is warned
