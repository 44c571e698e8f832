"""The old Vietnamese encodings (TCVN3, VNI) decoded to NFC and guessed from the bytes."""

import codecs
import unicodedata

import pytest

from smarttrees.importers import encodings
from tests.helpers.legacy_surveys import MOTTO, MOTTO_TCVN3, MOTTO_VNI, NAMES
from tests.helpers.surveys import windows_1258


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
