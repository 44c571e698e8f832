"""Vietnamese text: NFC on the way in, and a diacritics-free fold for search (Đ → D)."""

import unicodedata


def nfc(text: str | None) -> str | None:
    """Return text in Unicode NFC with surrounding blanks removed; None and blanks stay None."""
    if text is None:
        return None
    text = unicodedata.normalize("NFC", text).strip()
    return text or None


def fold(text: str | None) -> str:
    """Lower-case ASCII form for matching: 'Đường Bạch Đằng' → 'duong bach dang'."""
    if not text:
        return ""
    if text.isascii():  # most cells of a large file (ids, numbers): nothing to take off
        return " ".join(text.lower().split())
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())
