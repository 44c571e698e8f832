"""The address a printed QR code carries: never the printing machine's own, in production."""

import pytest

from smarttrees.labels.addresses import LabelAddressRefused, is_local, label_base_url


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://127.0.0.1:5000", True),
        ("http://localhost", True),
        ("http://[::1]:8000/", True),
        ("http://0.0.0.0:5000", True),
        ("https://cayxanh.thainguyen.gov.vn", False),
        ("http://10.20.0.5:5000", False),  # a government network's own address: phones reach it
    ],
)
def test_an_address_only_the_machine_opens_is_told_apart(url, local):
    assert is_local(url) is local


def test_the_configured_address_wins_then_the_one_the_browser_used():
    assert label_base_url("https://cay.vn/", used="http://10.0.0.5/", production=True) == (
        "https://cay.vn"
    )
    assert label_base_url(None, used="http://10.0.0.5:5000/", production=True) == (
        "http://10.0.0.5:5000"
    )


def test_production_refuses_a_loopback_or_missing_address_and_says_what_to_set():
    for configured, used in ((None, "http://127.0.0.1:5000/"), ("http://localhost", None)):
        with pytest.raises(LabelAddressRefused) as refused:
            label_base_url(configured, used=used, production=True)
        assert refused.value.details["setting"] == "SMARTTREES_BASE_URL"
    with pytest.raises(LabelAddressRefused):
        label_base_url(None, used=None, production=True)


def test_outside_production_the_development_address_prints():
    assert label_base_url(None, used=None, production=False) == "http://127.0.0.1:5000"
