import unicodedata

from smarttrees.vietnamese import fold, nfc


def test_fold_removes_diacritics_and_maps_d_with_stroke():
    assert fold("Đường Bạch Đằng") == "duong bach dang"
    assert fold("  Bằng   lăng nước ") == "bang lang nuoc"


def test_fold_treats_composed_and_decomposed_text_alike():
    decomposed = unicodedata.normalize("NFD", "Sấu")
    assert fold(decomposed) == fold("Sấu") == "sau"


def test_nfc_normalises_and_blank_becomes_none():
    decomposed = unicodedata.normalize("NFD", "Phổ Yên")
    assert nfc(decomposed) == "Phổ Yên"
    assert unicodedata.is_normalized("NFC", nfc(decomposed))
    assert nfc("   ") is None
