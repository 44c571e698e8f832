"""A code typed by hand opens its tree."""

from tests.helpers.factories import make_tree


def test_typing_the_code_opens_the_tree(client, public_map):
    tree = make_tree()
    response = client.get(f"/scan?code={tree.code.lower()}")
    assert response.status_code == 302 and response.headers["Location"].endswith(tree.code)
