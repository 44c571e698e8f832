"""Old Vietnamese encodings, TCVN3 and VNI: bytes as the .Vn and VNI- fonts wrote them (typed
here byte for byte, not made by our own decoder), read back as NFC Unicode; a survey in them
is guessed, shown, and imported only once the user confirms the encoding."""

import codecs
import unicodedata

import pytest
from sqlalchemy import select

from smarttrees.extensions import db
from smarttrees.importers import encodings
from smarttrees.models import Species, Tree
from tests.factories import commune_named, point_in
from tests.test_imports import run, windows_1258

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


def test_the_motto_reads_back_in_nfc():
    assert encodings.decode_tcvn3(MOTTO_TCVN3) == MOTTO
    assert encodings.decode_vni(MOTTO_VNI) == MOTTO
    assert unicodedata.is_normalized("NFC", encodings.decode_vni(MOTTO_VNI))
    assert encodings.decode_vni("ÑAÏI HOÏC".encode("cp1252")) == "ĐẠI HỌC"


@pytest.mark.parametrize("name", ["tcvn3", "vni"])
def test_names_decode_whatever_way_a_stream_is_cut(name):
    for text, data in NAMES[name].items():
        assert data.decode(name) == text
        decoder = codecs.getincrementaldecoder(name)()
        pieces = "".join(decoder.decode(data[i : i + 1]) for i in range(len(data)))
        assert pieces + decoder.decode(b"", final=True) == text


def test_the_encoding_is_guessed_from_the_bytes():
    sample = b"\n".join([MOTTO_TCVN3, *NAMES["tcvn3"].values()])
    assert encodings.guess(sample) == "tcvn3"
    assert encodings.guess(b"\n".join([MOTTO_VNI, *NAMES["vni"].values()])) == "vni"
    assert encodings.guess(windows_1258(MOTTO + "\nBằng lăng nước, Xà cừ, Keo tai tượng")) is None
    assert encodings.guess(b"id,lon,lat\n1,105.8,21.6\n") is None


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


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_a_legacy_survey_is_imported_only_once_its_encoding_is_confirmed(
    runner, tmp_path, encoding
):
    path = survey_file(tmp_path, encoding)
    code, summary, _ = run(runner, path)
    assert code == 0 and summary["ready"] == 3 and summary["errors"] == 0
    assert summary["encoding"] == encoding and summary["encoding_guessed"] is True
    code, summary, output = run(runner, path, "--commit")
    assert code == 1 and summary is None
    assert "old Vietnamese encoding" in output and "Keo tai tượng" in output  # the preview
    assert db.session.scalar(select(Tree.id).where(Tree.external_id == f"{encoding}-0")) is None
    code, summary, _ = run(runner, path, "--commit", "--encoding", encoding)
    assert code == 0 and summary["created"] == 3 and summary["encoding_guessed"] is False
    trees = db.session.execute(
        select(Species.vi_name, Tree.notes)
        .join(Species, Species.id == Tree.species_id)
        .where(Tree.external_id.like(f"{encoding}-%"))
        .order_by(Tree.external_id)
    ).all()
    assert [t.vi_name for t in trees] == ["Keo tai tượng", "Bằng lăng nước", "Xà cừ"]
    assert {t.notes for t in trees} == {"Đồi Hoàng, đất dốc"}
