"""The password policy, the one boundary of every door that sets a password (an invite's or a
reset's temporary password, `flask users create`, a user choosing their own): at least 10
characters, not digits alone, not the user's email or name, and not one of the most common
passwords (a public list, see common_passwords/SOURCE.txt), even with digits or signs added at
either end."""

import string
import unicodedata
from functools import cache
from pathlib import Path

from smarttrees.errors import ValidationFailed
from smarttrees.vietnamese import fold

MIN_LENGTH = 10
LISTS = Path(__file__).with_name("common_passwords")
_ENDS = string.digits + string.punctuation + " "


def N_(message: str) -> str:  # a message the page translates, marked for pybabel extract
    return message


TOO_SHORT = N_("The password must have at least 10 characters.")
NO_LETTERS = N_("The password must contain letters, not digits alone.")
PERSONAL = N_("The password must not be your email address or your name.")
COMMON = N_("This password is among the most common ones: choose another.")


def weakness(password: str, *, email: str, name: str | None) -> str | None:
    """Why the password is refused (a message naming the rule), or None when it may be used."""
    password = unicodedata.normalize("NFC", password or "")
    if len(password) < MIN_LENGTH:
        return TOO_SHORT
    if not any(ch.isalpha() for ch in password):
        return NO_LETTERS
    forms = {_compact(password), _stem(password)}
    if forms & _personal(email, name):
        return PERSONAL
    if forms & common_passwords():
        return COMMON
    return None


def check_password(password: str, *, email: str, name: str | None, field: str) -> None:
    """Refuse a weak password, naming the form's field it came from."""
    problem = weakness(password, email=email, name=name)
    if problem:
        raise ValidationFailed("Some fields are not valid.", details={field: problem})


@cache
def common_passwords() -> frozenset[str]:
    """The common passwords, each folded and stripped as a password tried is."""
    words = set()
    for path in sorted(LISTS.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                words.add(_stem(line))
    return frozenset(words - {""})


def _compact(text: str) -> str:
    """Lower case, no diacritics, no spaces: 'Mật Khẩu' → 'matkhau'."""
    return fold(text).replace(" ", "")


def _stem(text: str) -> str:
    """Without the digits and signs at either end, where people pad a word: 'Rồng2024!' → 'rong'."""
    return _compact(text).strip(_ENDS)


def _personal(email: str, name: str | None) -> set[str]:
    email = (email or "").strip()
    forms = {_compact(email), _compact(email.split("@")[0]), _compact(name or "")}
    return forms - {""}
