"""The database's refusals reach users as a field and a sentence, never as its own text."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from smarttrees.extensions import db
from smarttrees.services.saving import refusal
from tests.helpers.factories import make_tree


def _refused(sql: str, params: dict) -> dict:
    with pytest.raises(IntegrityError) as caught:
        db.session.execute(text(sql), params)
    db.session.rollback()
    error = refusal(caught.value)
    assert error.message == "The database refused these values."
    return error.details


def test_a_value_out_of_range_names_its_field(app):
    tree = make_tree()
    details = _refused("UPDATE trees SET dbh_cm = 600 WHERE id = :id", {"id": tree.id})
    assert details == {"dbh_cm": "DBH must be more than 0 and at most 500 cm."}
    details = _refused("UPDATE trees SET planted_on = '1700-01-01' WHERE id = :id", {"id": tree.id})
    assert details == {"planted_on": "Enter a date after 1800."}


def test_a_taken_code_and_a_missing_species_name_their_fields(app):
    first, second = make_tree(), make_tree()
    details = _refused(
        "UPDATE trees SET code = :code WHERE id = :id", {"code": first.code, "id": second.id}
    )
    assert details == {"code": "Another tree has this code already."}
    details = _refused("UPDATE trees SET species_id = 999999 WHERE id = :id", {"id": first.id})
    assert details == {"species_id": "Choose a species of the list."}


def test_no_constraint_name_or_database_sentence_reaches_the_user(app):
    tree = make_tree()
    details = _refused("UPDATE trees SET crown_m = -1 WHERE id = :id", {"id": tree.id})
    shown = " ".join(details.values()) + " ".join(details)
    assert "ck_" not in shown and "violates" not in shown and "relation" not in shown
