"""Survey files for the import tests: the shared samples, a VN-2000 survey as a provincial team
writes it, Windows-1258 text, and the import command."""

import csv
import json
import unicodedata
from pathlib import Path

from pyproj import Transformer
from sqlalchemy import text

from smarttrees.extensions import db
from tests.helpers.factories import commune_named, point_in

# Real survey files live in shared/ beside the checkout (as on every machine and in CI).
SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "data" / "samples"


SF = SAMPLES / "10_trees_san_francisco_csv" / "sf_street_trees_sample.csv"


def run(runner, *args) -> tuple[int, dict | None, str]:
    result = runner.invoke(args=["trees", "import", *map(str, args)])
    lines = [line for line in result.output.splitlines() if line.startswith("{")]
    return result.exit_code, (json.loads(lines[0]) if lines else None), result.output


def next_month(path: Path, tmp_path: Path) -> Path:
    """The same inventory a month on: the first 100 trees with a DBH of 77, one tree added."""
    with path.open(newline="", encoding="utf-8") as source:
        rows = list(csv.DictReader(source))
    changed = [r for r in rows if r["dbh"] == "" or 0 < float(r["dbh"]) <= 500][:100]
    for row in changed:
        row["dbh"] = "77"
    rows.append({**rows[0], "tree_id": "NEW-1", "dbh": "10"})
    target = tmp_path / path.name
    with target.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return target


def vn2000_survey(tmp_path: Path, encoding: str = "utf-8-sig") -> tuple[Path, dict]:
    """A Thái Nguyên survey as a provincial team writes it: VN-2000 TM-3 coordinates with X the
    northing, Vietnamese headers, ';' and decimal commas, day-first dates."""
    to_vn2000 = Transformer.from_crs(4326, 9213, always_xy=True)
    places = {name: point_in(commune_named(name)) for name in ("Gia Sàng", "Quan Triều")}
    rows = [
        ("TN-1", "Keo tai tuong", "12,5", "9,0", "15/06/2018", places["Gia Sàng"]),
        ("TN-2", "Bằng lăng nước", "30", "11", "43000", places["Quan Triều"]),
        ("TN-3", "Bo de", "20", "8", "", places["Gia Sàng"]),  # two species: ambiguous
        ("TN-4", "Xà cừ", "abc", "8", "", places["Gia Sàng"]),  # DBH not a number
        ("TN-5", "Xà cừ", "40", "12", "31/02/2020", places["Gia Sàng"]),  # no such day
        ("TN-6", "Sấu", "25", "10", "", (105.85, 21.03)),  # Hà Nội
        ("TN-7", "Sấu", "25", "10", "", places["Quan Triều"]),
        ("TN-7", "Sấu", "26", "10", "", places["Quan Triều"]),  # the same id twice
    ]
    lines = ["Mã cây;Loài cây;D1.3;Chiều cao;Ngày trồng;X;Y"]
    for code, species, dbh, height, planted, (lon, lat) in rows:
        easting, northing = to_vn2000.transform(lon, lat)
        lines.append(
            f"{code};{species};{dbh};{height};{planted};{northing:.3f}".replace(".", ",")
            + f";{easting:.3f}".replace(".", ",")
        )
    path = tmp_path / "khao_sat.csv"
    content = "\n".join(lines) + "\n"
    if encoding == "cp1258":
        path.write_bytes(windows_1258(content))
    else:
        path.write_text(content, encoding=encoding)
    return path, {code: point for code, *_, point in rows}


TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def windows_1258(text: str) -> bytes:
    """Text as Vietnamese Windows writes it: a letter (with its breve, circumflex or horn)
    followed by a combining tone mark."""
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in parts if c in TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
        out.append(base + tones)
    return "".join(out).encode("cp1258")


def official_form_workbook(tmp_path: Path) -> tuple[Path, dict]:
    """A commune's tree list as an office keeps it: letterhead and title rows, a two-row
    header ("Tọa độ VN-2000" merged over "X (m)" and "Y (m)"; "D1.3 (cm)", "Hvn (m)", "Hdc (m)"),
    a row of column numbers, the trees, then totals and signatures."""
    from openpyxl import Workbook

    to_vn2000 = Transformer.from_crs(4326, 9213, always_xy=True)
    places = [point_in(commune_named(name)) for name in ("Gia Sàng", "Quan Triều", "Gia Sàng")]
    book = Workbook()
    sheet = book.active
    sheet.append(["UBND XÃ GIA SÀNG", None, None, "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
    sheet.append([None, None, None, "Độc lập - Tự do - Hạnh phúc"])
    sheet.append([])
    sheet.append(["DANH SÁCH CÂY XANH ĐÔ THỊ NĂM 2025"])
    sheet.append(
        [
            "STT",
            "Mã cây",
            "Loài cây",
            "Tọa độ VN-2000",
            None,
            "D1.3 (cm)",
            "Hvn (m)",
            "Hdc (m)",
            "Ghi chú",
        ]
    )
    sheet.append([None, None, None, "X (m)", "Y (m)"])
    sheet.merge_cells("D5:E5")
    sheet.append([f"({n})" for n in range(1, 10)])
    trees = {}
    for number, (lon, lat) in enumerate(places, start=1):
        easting, northing = to_vn2000.transform(lon, lat)
        code = f"GS-{number:03d}"
        sheet.append(
            [number, code, "Sấu", round(northing, 2), round(easting, 2), 20 + number, 8.5, 3, None]
        )
        trees[code] = (lon, lat)
    sheet.append(["Tổng cộng", None, "3 cây"])
    sheet.append([])
    sheet.append([None, "Người lập biểu", None, None, None, "Chủ tịch UBND xã"])
    sheet.append([None, "(Ký, ghi rõ họ tên)"])
    path = tmp_path / "danh_sach_cay_xanh.xlsx"
    book.save(path)
    return path, trees


def distance_m(tree_id: int, lon: float, lat: float) -> float:
    """Metres on the ground between a stored tree and a point."""
    return db.session.scalar(
        text(
            "SELECT ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)"
            "::geography) FROM trees WHERE id = :id"
        ),
        {"lon": lon, "lat": lat, "id": tree_id},
    )


def stand_map(
    tmp_path: Path, *, year: int = 2019, lots: tuple[str, ...] = ("a", "b", "c", "d")
) -> tuple[Path, dict]:
    """A piece of the forest-status map as a GeoPackage in VN-2000 / TM-3 106°30′: three plots
    of one compartment (one declared 20 % too large, one drawn as a bow-tie) and a point."""
    import numpy as np
    import shapely
    from pyogrio.raw import write
    from shapely.geometry import Point, Polygon

    to_vn2000 = Transformer.from_crs(4326, 9213, always_xy=True)
    lon, lat = point_in(commune_named("Phú Lương"))
    x, y = to_vn2000.transform(lon, lat)
    square = Polygon([(x, y), (x + 100, y), (x + 100, y + 100), (x, y + 100)])  # 1 ha
    beside = shapely.affinity.translate(square, 200, 0)
    bowtie = Polygon([(x, y + 300), (x + 100, y + 400), (x + 100, y + 300), (x, y + 400)])
    shapes = [square, beside, bowtie, Point(x + 500, y + 500)]
    fields = {
        "Tiểu khu": np.array(["301"] * 4, dtype=object),
        "Khoảnh": np.array(["2"] * 4, dtype=object),
        "Lô": np.array(lots, dtype=object),
        "Loài cây": np.array(["Keo lai", "Keo lai", "Bạch đàn urô", "Keo lai"], dtype=object),
        "Năm trồng": np.array([year, year, 2021, 2020]),
        "Chủ rừng": np.array(["Hộ ông Nguyễn Văn A"] * 4, dtype=object),
        "Mục đích": np.array(["Sản xuất", "Sản xuất", "Phòng hộ", "Sản xuất"], dtype=object),
        "Diện tích (ha)": np.array([1.0, 1.2, 0.5, 0.1]),
    }
    path = tmp_path / "hien_trang_rung.gpkg"
    write(
        path,
        shapely.to_wkb(np.array(shapes, dtype=object)),
        field_data=list(fields.values()),
        fields=list(fields),
        geometry_type="Unknown",
        crs="EPSG:9213",
        layer="lo_rung",
        driver="GPKG",
    )
    return path, {"square": square, "to_wgs84": Transformer.from_crs(9213, 4326, always_xy=True)}
