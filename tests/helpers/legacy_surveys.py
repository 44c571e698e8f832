"""Surveys in the old Vietnamese encodings (TCVN3, VNI) and their expected names."""

from tests.helpers.factories import commune_named, point_in

MOTTO = "Cộng hoà xã hội chủ nghĩa Việt Nam"
# The national motto as every old government document shows it.
MOTTO_TCVN3 = b"C\xe9ng ho\xb5 x\xb7 h\xe9i ch\xf1 ngh\xdca Vi\xd6t Nam"
MOTTO_VNI = "Coäng hoaø xaõ hoäi chuû nghóa Vieät Nam".encode("cp1252")


# Species and places of a Thái Nguyên survey, per encoding, byte for byte.
NAMES = {
    "tcvn3": {
        "Keo tai tượng": b"Keo tai t\xad\xeeng",
        "Bằng lăng nước": b"B\xbbng l\xa8ng n\xad\xedc",
        "Xà cừ": b"X\xb5 c\xf5",
        "Đồi Hoàng, đất dốc": b"\xa7\xe5i Ho\xb5ng, \xae\xcat d\xe8c",
    },
    "vni": {
        "Keo tai tượng": "Keo tai töôïng".encode("cp1252"),
        "Bằng lăng nước": "Baèng laêng nöôùc".encode("cp1252"),
        "Xà cừ": "Xaø cöø".encode("cp1252"),
        "Đồi Hoàng, đất dốc": "Ñoài Hoaøng, ñaát doác".encode("cp1252"),
    },
}


def survey_file(tmp_path, encoding: str):
    names = NAMES[encoding]
    place = point_in(commune_named("Gia Sàng"))
    lines = [b"ma,kinh do,vi do,loai cay,dbh,ghi chu"]
    for i, species in enumerate(("Keo tai tượng", "Bằng lăng nước", "Xà cừ")):
        lon, lat = place[0] + i * 1e-4, place[1]
        row = f"{encoding}-{i},{lon:.7f},{lat:.7f},".encode() + names[species]
        lines.append(row + b',20,"' + names["Đồi Hoàng, đất dốc"] + b'"')
    path = tmp_path / f"khao_sat_{encoding}.csv"
    path.write_bytes(b"\r\n".join(lines) + b"\r\n")
    return path
