"""The Vietnamese encodings from before Unicode, still in old survey spreadsheets: TCVN3
(TCVN 5712:1993 VN3, the ".Vn" fonts such as .VnTime) and VNI (the "VNI-" fonts such as
VNI-Times). Both are registered as Python codecs ("tcvn3", "vni"), so a file is streamed
through them like any other encoding; text comes out in NFC.

Their bytes are also valid Windows code page text, so a file never says which it is:
`guess` scores a sample, and the user confirms the choice from a preview of the rows.

TCVN3 keeps only lower-case toned letters (capitals came from a separate ".VnTimeH" font
drawing the same bytes), so a capital with a tone reads back as its lower-case letter.
"""

import codecs
import re
import unicodedata

# TCVN3: the bytes of the Vietnamese letters; every other byte reads as Latin-1.
_TCVN3_LETTERS = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}  # fmt: skip
_TCVN3_TABLE = "".join(_TCVN3_LETTERS.get(byte, chr(byte)) for byte in range(256))

# VNI: a base letter followed by a mark byte (read as Windows-1252); a few letters are one byte.
_VNI_MARKS = {  # mark → (for a, for e, for o, for u, for y); "" where no such letter
    "ù": "áéóúý", "ø": "àèòùỳ", "û": "ảẻỏủỷ", "õ": "ãẽõũỹ", "ï": "ạẹọụ ",
    "â": "âêô  ", "á": "ấếố  ", "à": "ầềồ  ", "å": "ẩểổ  ", "ã": "ẫễỗ  ", "ä": "ậệộ  ",
    "ê": "ă    ", "é": "ắ    ", "è": "ằ    ", "ú": "ẳ    ", "ü": "ẵ    ", "ë": "ặ    ",
}  # fmt: skip
_VNI_HORNS = {"ô": "ơớờởỡợ", "ö": "ưứừửữự"}  # ơ, ư alone, then with ù ø û õ ï
_VNI_SINGLE = {"í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ", "ñ": "đ"}


def _vni_pairs() -> dict[str, str]:
    pairs = {}
    for mark, letters in _VNI_MARKS.items():
        for base, letter in zip("aeouy", letters, strict=True):
            if letter != " ":
                pairs[base + mark] = letter
                pairs[base.upper() + mark.upper()] = letter.upper()
    for base, letters in _VNI_HORNS.items():
        for mark, letter in zip("ùøûõï", letters[1:], strict=True):
            pairs[base + mark] = letter
            pairs[base.upper() + mark.upper()] = letter.upper()
        pairs[base], pairs[base.upper()] = letters[0], letters[0].upper()
    for byte, letter in _VNI_SINGLE.items():
        pairs[byte], pairs[byte.upper()] = letter, letter.upper()
    return pairs


_VNI = _vni_pairs()
_VNI_PATTERN = re.compile("|".join(sorted(map(re.escape, _VNI), key=len, reverse=True)))
_VNI_BASES = set("aeouyôöAEOUYÔÖ")


def _from_vni(text: str) -> str:
    return _VNI_PATTERN.sub(lambda match: _VNI[match.group()], text)


def _cp1252_letter(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:  # the five bytes Windows-1252 leaves unassigned
        return chr(byte)


_CP1252_TABLE = "".join(_cp1252_letter(byte) for byte in range(256))


def _cp1252(data: bytes) -> str:
    return codecs.charmap_decode(data, "strict", _CP1252_TABLE)[0]


def decode_tcvn3(data: bytes) -> str:
    return unicodedata.normalize("NFC", codecs.charmap_decode(data, "strict", _TCVN3_TABLE)[0])


def decode_vni(data: bytes) -> str:
    return unicodedata.normalize("NFC", _from_vni(_cp1252(data)))


class _Tcvn3Decoder(codecs.IncrementalDecoder):
    def decode(self, data, final=False):
        return decode_tcvn3(bytes(data))


class _VniDecoder(codecs.IncrementalDecoder):
    """Keeps a trailing base letter back until the next chunk says whether a mark follows."""

    def __init__(self, errors="strict"):
        super().__init__(errors)
        self.pending = ""

    def decode(self, data, final=False):
        text = self.pending + _cp1252(bytes(data))
        self.pending = ""
        if not final and text and text[-1] in _VNI_BASES:
            text, self.pending = text[:-1], text[-1]
        return unicodedata.normalize("NFC", _from_vni(text))

    def reset(self):
        self.pending = ""

    def getstate(self):
        return self.pending.encode("cp1252"), 0

    def setstate(self, state):
        self.pending = state[0].decode("cp1252")


def _whole(decode):
    def run(data, errors="strict"):
        return decode(bytes(data)), len(data)

    return run


def _not_written(text, errors="strict"):
    raise UnicodeError("SmartTrees reads legacy Vietnamese encodings; it never writes them.")


_CODECS = {
    "tcvn3": codecs.CodecInfo(
        _not_written, _whole(decode_tcvn3), name="tcvn3", incrementaldecoder=_Tcvn3Decoder
    ),
    "vni": codecs.CodecInfo(
        _not_written, _whole(decode_vni), name="vni", incrementaldecoder=_VniDecoder
    ),
}
codecs.register(lambda name: _CODECS.get(name.replace("-", "").replace("_", "").lower()))

LEGACY = tuple(_CODECS)

# Byte patterns each encoding makes and the others hardly ever: TCVN3's a-with-tone and
# ă â ê ô ơ ư đ bytes; VNI's vowel + tone-mark pairs; Windows-1258's vowel + combining tone.
_HINTS = {
    "tcvn3": re.compile(rb"[\xa8-\xae\xb5-\xb9]"),
    "vni": re.compile(
        rb"[aeouyAEOUY\xf4\xf6\xd4\xd6][\xf9\xf8\xfb\xef\xe4\xe5\xd9\xd8\xdb\xcf\xc4\xc5]"
    ),
    None: re.compile(
        rb"[aeiouyAEIOUY\xe2\xea\xf4\xf5\xfd\xe3\xc2\xca\xd4\xd5\xdd\xc3][\xcc\xec\xd2\xde\xf2]"
    ),
}


def guess(sample: bytes) -> str | None:
    """'tcvn3' or 'vni' when a sample that is not UTF-8 looks written in one of them, else None
    (Windows-1258 stays the reading). A guess: the user confirms it from a preview."""
    scores = {name: len(hint.findall(sample)) for name, hint in _HINTS.items()}
    best = max(scores, key=scores.get)
    rivals = [score for name, score in scores.items() if name != best]
    return best if scores[best] > 2 * max(rivals) else None
