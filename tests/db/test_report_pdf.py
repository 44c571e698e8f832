"""The dashboard as a PDF report, built from reports.dashboard on a real database and read back
by poppler: pdftotext shows the figures the trees give, in Vietnamese numbers; page 1 draws the
communes' map; the font is embedded and the Vietnamese text comes back intact."""

import io
import re
import subprocess
import unicodedata
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import text

from smarttrees import allometry
from smarttrees.extensions import db
from smarttrees.labels.sheets import register_fonts
from smarttrees.labels.vn_format import vn_number
from smarttrees.report_document import TEXTS, write_report
from smarttrees.report_document.texts import COMPARISON, METHOD_INTRO, Words
from smarttrees.services import reports
from smarttrees.services.admin import demo
from tests.helpers.factories import commune_named, make_tree, species_named

GENERATED = datetime(2026, 11, 26, 9, 30)
# Some translations, as the route passes them from the catalogue; the rest print as msgids.
VI = {
    "Living trees": "Cây còn sống",
    "Trees recorded": "Tổng số cây",
    "CO₂ equivalent (t)": "CO₂ tương đương (tấn)",
    "Trees by commune": "Cây xanh theo xã/phường",
    "Stands by species": "Lô rừng theo loài cây",
    "Total": "Tổng cộng",
    "No.": "STT",
    "Page {page}/{pages}": "Trang {page}/{pages}",
    "Filters": "Bộ lọc",
    "Nothing to show under these filters.": "Không có số liệu theo bộ lọc này.",
    METHOD_INTRO: "Chỉ tính cây còn sống (…) với xác suất %(p)s, tính từ sai số (…).",
    COMPARISON: "Cây họ Dầu (%(n)s cây sống): sinh khối trên mặt đất %(chave)s tấn theo "
    "Chave và cs. 2014, %(huy)s tấn theo Huy và cs. 2019, (…). Chỉ để so sánh; tổng số dùng Chave.",
}
LIVING = "(t.condition IS NULL OR t.condition NOT IN ('dead', 'removed'))"


@pytest.fixture
def fonts(app):
    return register_fonts(app.config["LABEL_FONT"], app.config["LABEL_FONT_BOLD"])


def _pdf(tmp_path: Path, fonts, report=None, *, shapes=None, filters=()) -> Path:
    out = io.BytesIO()
    write_report(
        out,
        figures=reports.dashboard(report or reports.ReportFilter()),
        shapes=reports.commune_shapes() if shapes is None else shapes,
        method=reports.method(),
        filters=list(filters),
        texts=VI,
        fonts=fonts,
        generated_at=GENERATED,
        province="Thái Nguyên",
    )
    path = tmp_path / "report.pdf"
    path.write_bytes(out.getvalue())
    return path


def _run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def _pages(pdf: Path) -> list[str]:
    return _run("pdftotext", "-layout", str(pdf), "-").split("\f")[:-1]


def _line(text: str, label: str) -> str:
    return next(line for line in text.splitlines() if line.strip().startswith(label))


def _database_figures() -> tuple[int, int, float, dict[str, int]]:
    """All trees, living trees, their CO₂e in tonnes and trees by commune, from the trees."""
    sums = db.session.execute(
        text(f"""
        SELECT count(*), count(*) FILTER (WHERE {LIVING}),
               sum(tree_agb_kg(t.dbh_cm, t.height_m, s.wood_density)) FILTER (WHERE {LIVING})
          FROM trees AS t LEFT JOIN species AS s ON s.id = t.species_id""")
    ).one()
    co2e = float(sums[2]) / 1000 * allometry.CARBON_FRACTION * allometry.CO2_PER_CARBON
    by_commune = db.session.execute(
        text("""
        SELECT c.name, count(*) FROM trees AS t JOIN admin_units AS c ON c.id = t.commune_id
         GROUP BY c.name""")
    ).all()
    return sums[0], sums[1], co2e, dict(by_commune)


def test_the_report_states_the_trees_co2e_and_every_commune_s_trees_the_database_holds(
    tmp_path, fonts
):
    demo.load_demo(trees=1200)
    make_tree(commune="Gia Sàng", condition="dead")
    everything, living, co2e, by_commune = _database_figures()
    carbon = reports.dashboard(reports.ReportFilter())["carbon"]
    assert carbon["co2e_t"] == pytest.approx(co2e, abs=0.001)  # the tallies are the trees

    pages = _pages(_pdf(tmp_path, fonts))
    first = pages[0]
    assert re.search(
        rf"Tổng số cây\s+{re.escape(vn_number(everything, 0))}$", _line(first, "Tổng số cây")
    )
    assert vn_number(everything, 0) == "1.201"
    assert _line(first, "Cây còn sống").split()[-1] == vn_number(living, 0)
    assert _line(first, "CO₂ tương đương (tấn)").split()[-1] == vn_number(carbon["co2e_t"], 1)
    table = "\n".join(pages[2:]).split("Cây xanh theo xã/phường")[-1].split("Lô rừng")[0]
    assert len(by_commune) > 40
    for name, count in by_commune.items():
        assert re.search(rf"^\s*\d+\s+{re.escape(name)}\s+{vn_number(count, 0)}\s", table, re.M), (
            name
        )
    assert re.search(r"Tổng cộng\s+1\.201\s", table)


def test_the_communes_table_runs_over_pages_under_its_heading(tmp_path, fonts):
    demo.load_demo(trees=1200)
    pages = _pages(_pdf(tmp_path, fonts))
    row = re.compile(r"^\s*(\d+)\s+\S.*\s\d+,\d\s*$", re.M)  # No., name, ..., biomass
    holding = [page for page in pages[2:] if row.search(page)]
    assert len(holding) >= 2
    for page in holding:
        assert re.search(r"STT\s+Commune\s+Trees", page)
    numbers = [int(n) for page in holding for n in row.findall(page)]
    communes = [c for c in reports.dashboard(reports.ReportFilter())["communes"] if c["trees"]]
    assert numbers == list(range(1, len(communes) + 1))


def test_page_one_draws_the_communes_on_the_map(tmp_path, fonts):
    make_tree(commune="Gia Sàng")
    make_tree(commune="Phan Đình Phùng", condition="poor")

    def map_area_ink(shapes) -> float:
        pdf = _pdf(tmp_path, fonts, shapes=shapes)
        _run("pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p"))
        (image,) = tmp_path.glob("p*.png")
        page = Image.open(image).convert("L")
        image.unlink()
        width, height = page.size
        area = page.crop(
            (int(width * 0.56), int(height * 0.3), int(width * 0.9), int(height * 0.6))
        )
        return sum(area.histogram()[:235]) / (area.width * area.height)

    assert map_area_ink(None) > 0.3
    assert map_area_ink([]) < 0.02  # the same page without outlines leaves that area blank


def test_every_font_is_embedded_and_the_vietnamese_reads_back_intact(tmp_path, fonts):
    make_tree(commune="Phan Đình Phùng")
    pdf = _pdf(tmp_path, fonts)
    listed = _run("pdffonts", str(pdf)).splitlines()[2:]
    assert len(listed) == 2
    for line in listed:
        assert line.split()[-5] == "yes", line  # emb: fifth from the right
    pages = _pages(pdf)
    whole = "\n".join(pages)
    assert unicodedata.normalize("NFC", whole) == whole
    for heading in (
        "UBND TỈNH THÁI NGUYÊN",
        "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Thái Nguyên, ngày 26 tháng 11 năm 2026",
    ):
        assert heading in pages[0], heading
    assert "Phan Đình Phùng" in whole
    assert re.search(r"NGƯỜI LẬP BIỂU\s+THỦ TRƯỞNG ĐƠN VỊ", pages[-1])
    for number, page in enumerate(pages, start=1):
        assert f"Trang {number}/{len(pages)}" in page


def test_the_filters_are_stated_and_a_filter_without_trees_still_reports(tmp_path, fonts):
    make_tree(commune="Phan Đình Phùng")
    empty = reports.ReportFilter(commune_id=commune_named("Gia Sàng").id)
    pages = _pages(_pdf(tmp_path, fonts, empty, filters=[("Xã/phường", "Gia Sàng")]))
    assert "Bộ lọc: Xã/phường: Gia Sàng" in pages[0]
    assert _line(pages[0], "Tổng số cây").split()[-1] == "0"
    assert "Không có số liệu theo bộ lọc này." in pages[1]


def test_the_method_names_each_equation_s_source_with_its_doi_and_each_default(tmp_path, fonts):
    make_tree()
    # In reading order, not laid out: a name wrapped in its cell reads as one line.
    whole = " ".join(_run("pdftotext", str(_pdf(tmp_path, fonts)), "-").split())
    method = reports.method()
    for row in method["equations"]:
        assert " ".join(row["formula"].split()) in whole, row["key"]
        if row["source"]["doi"]:
            assert f"doi:{row['source']['doi']}" in whole, row["key"]
    for row in method["defaults"]:
        assert row["value"] in whole, row["key"]
    huy = "Huy et al. 2019, Vietnam's dry dipterocarp forests (comparison, not in the total)"
    assert huy in whole
    assert "Chỉ tính cây còn sống" in whole and "xác suất 95 %" in whole


def test_dipterocarps_show_huy_beside_chave_outside_the_total(tmp_path, fonts):
    make_tree(species_id=species_named("Hopea odorata").id, dbh_cm="30", height_m="20")
    make_tree(condition="dead")
    beside = reports.dashboard(reports.ReportFilter())["carbon"]["comparison"]
    assert beside["trees"] == 1 and beside["huy_agb_t"] > 0
    whole = " ".join(_run("pdftotext", str(_pdf(tmp_path, fonts)), "-").split())
    chave, huy = vn_number(beside["chave_agb_t"], 1), vn_number(beside["huy_agb_t"], 1)
    assert f"Cây họ Dầu (1 cây sống): sinh khối trên mặt đất {chave} tấn theo Chave" in whole
    assert f"{huy} tấn theo Huy và cs. 2019" in whole


def test_a_message_missing_from_texts_is_refused_and_a_translation_fills_its_placeholders():
    words = Words({"Page {page}/{pages}": "Trang {page}/{pages}"})
    assert words("Page {page}/{pages}", page=2, pages=5) == "Trang 2/5"
    assert words("Key figures") == "Key figures"  # untranslated: the msgid
    with pytest.raises(KeyError):
        words("A message the caller cannot know")
    assert len(set(TEXTS)) == len(TEXTS)
