"""Label codes: check characters catch the mistakes people make copying a weathered tag."""

import random

import pytest

from smarttrees.labels import codes


def _sample_codes(n: int = 400) -> list[str]:
    rng = random.Random(7)
    return [codes.encode(rng.randrange(codes.BASE**6)) for _ in range(n)] + [
        codes.encode(0),
        codes.encode(codes.BASE**6 - 1),
        codes.encode(5, prefix="S"),
    ]


def test_every_single_character_typo_is_detected():
    for code in _sample_codes():
        for position, original in enumerate(code):
            for typo in codes.ALPHABET:
                if typo != original:
                    wrong = code[:position] + typo + code[position + 1 :]
                    assert not codes.is_valid(wrong), (code, wrong)


def test_every_adjacent_swap_is_detected():
    for code in _sample_codes():
        for i in range(len(code) - 1):
            if code[i] != code[i + 1]:
                swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
                assert not codes.is_valid(swapped), (code, swapped)


@pytest.mark.parametrize("number", [0, 1, 30, 31, 961, 123_456, codes.BASE**6 - 1])
def test_encode_decode_round_trip(number):
    code = codes.encode(number)
    assert len(code) == 7
    assert codes.is_valid(code)
    assert codes.decode(code) == number


def test_numbers_beyond_the_code_width_are_refused():
    with pytest.raises(ValueError):
        codes.encode(codes.BASE**6)


def test_look_alike_letters_and_separators_are_read_as_meant():
    code = codes.encode(10_101)  # contains zeros and ones
    typed = code.lower().replace("0", "o").replace("1", "l")
    assert codes.normalize(" " + typed[:3] + "-" + typed[3:] + " ") == code


def test_near_misses_offer_the_intended_code():
    code = codes.encode(424_242)
    wrong = code[:2] + ("X" if code[2] != "X" else "Y") + code[3:]
    assert code in codes.near_misses(wrong)
