"""Signing in and CSRF tokens, as a browser does them through the real forms."""

import re

CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(client, path: str = "/login") -> str:
    """The CSRF token a page hands to the browser."""
    page = client.get(path).get_data(as_text=True)
    return CSRF_INPUT.search(page).group(1)


def sign_in(client, role):
    """A new user of the role, signed in through the login form; returns the user."""
    from tests.helpers.factories import PASSWORD, make_user

    user = make_user(role)
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_from(client)}
    )
    assert response.status_code == 302
    return user
