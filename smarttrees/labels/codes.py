"""Short human-readable codes with a check character.

The alphabet has 31 symbols (a prime), so a weighted sum modulo 31 with distinct non-zero
consecutive weights catches every single-character substitution and every swap of two adjacent
characters, the check character included. Letters that read like digits (I, L, O) and U, Z
are left out; on input O reads as 0 and I, L as 1.
"""

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXY"
BASE = len(ALPHABET)
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
PAYLOAD_LENGTH = 6


def _weight(position: int) -> int:
    return position % (BASE - 1) + 1


def check_character(payload: str) -> str:
    """The character that makes the weighted sum of payload + check a multiple of 31."""
    total = sum(_weight(i) * _VALUE[ch] for i, ch in enumerate(payload))
    last = _weight(len(payload))
    inverse = pow(last, -1, BASE)
    return ALPHABET[(-total * inverse) % BASE]


def encode(number: int, *, prefix: str = "", width: int = PAYLOAD_LENGTH) -> str:
    """Code for a sequence number: prefix + base-31 digits + check character."""
    if number < 0 or number >= BASE**width:
        raise ValueError(f"{number} does not fit in {width} code characters")
    digits = []
    for _ in range(width):
        number, rest = divmod(number, BASE)
        digits.append(ALPHABET[rest])
    payload = prefix + "".join(reversed(digits))
    return payload + check_character(payload)


def normalize(text: str) -> str:
    """Upper-case, without spaces or dashes, with look-alike letters read as digits."""
    cleaned = "".join(ch for ch in text.upper() if ch not in " -_.")
    return cleaned.translate(_LOOKALIKES)


def is_valid(code: str) -> bool:
    """True when every character is in the alphabet and the check character matches."""
    if len(code) < 2 or any(ch not in _VALUE for ch in code):
        return False
    return check_character(code[:-1]) == code[-1]


def decode(code: str, *, prefix: str = "") -> int:
    """The sequence number of a valid code (inverse of encode)."""
    body = code[len(prefix) : -1]
    number = 0
    for ch in body:
        number = number * BASE + _VALUE[ch]
    return number


def near_misses(code: str) -> list[str]:
    """Valid codes one substitution or one adjacent swap away from an invalid code."""
    found = set()
    for i in range(len(code)):
        for ch in ALPHABET:
            candidate = code[:i] + ch + code[i + 1 :]
            if candidate != code and is_valid(candidate):
                found.add(candidate)
    for i in range(len(code) - 1):
        swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
        if swapped != code and is_valid(swapped):
            found.add(swapped)
    return sorted(found)
