"""The address a printed QR code carries. Printed tags cannot be taken back: a code that leads
to the printing machine's own localhost opens nothing on a phone in the field. The address is
the one set up (SMARTTREES_BASE_URL), else the one the browser used to print; in production
settings a loopback or unset address is refused with how to set it."""

import ipaddress
from urllib.parse import urlsplit

from smarttrees.errors import Conflict

DEVELOPMENT_FALLBACK = "http://127.0.0.1:5000"


class LabelAddressRefused(Conflict):
    code = "label_address_refused"


def label_base_url(configured: str | None, *, used: str | None, production: bool) -> str:
    """The base URL for the codes to print: `configured`, else `used` (the address the
    request came to), else (outside production) the development server's."""
    base = (configured or used or ("" if production else DEVELOPMENT_FALLBACK)).rstrip("/")
    if production and (not base or is_local(base)):
        raise LabelAddressRefused(
            "Labels would lead phones to an address only this computer can open: set "
            "SMARTTREES_BASE_URL to the address phones reach (e.g. https://cayxanh.example.vn) "
            "and print again.",
            details={"base_url": base or None, "setting": "SMARTTREES_BASE_URL"},
        )
    return base


def is_local(url: str) -> bool:
    """Whether an address can be opened only on the machine itself (localhost, 127.x, ::1)."""
    host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    if host in ("localhost", "") or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified
