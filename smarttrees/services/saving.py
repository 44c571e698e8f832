"""Commit the session's changes as one user's, with the database's refusals as field errors.

A constraint the database enforces (a range, a unique code, a species that exists) becomes the
field it is about and a sentence a person reads; the database's own text (constraint names,
"duplicate key value violates …") never reaches the user, it goes to the log."""

import logging

from sqlalchemy.exc import IntegrityError

from smarttrees.errors import ValidationFailed
from smarttrees.extensions import db
from smarttrees.measures import MEASURES
from smarttrees.models import User

log = logging.getLogger(__name__)

# constraint name → (field, message); the range checks of trees and inspections alike.
REFUSALS = {
    f"ck_{table}_{kind}_range": (measure.column, measure.message)
    for table in ("trees", "inspections")
    for kind, measure in MEASURES.items()
} | {
    "ck_trees_planted_on_range": ("planted_on", "Enter a date after 1800."),
    "ck_inspections_accuracy_positive": ("accuracy_m", "Enter a number of 0 or more."),
    "uq_trees_code": ("code", "Another tree has this code already."),
    "uq_inspections_client_id": ("client_id", "This record was received already."),
    "listed_as_it_is": ("batches", "A batch changed meanwhile: look again."),
    "uq_shipment_items_batch_id": (
        "batches",
        "A batch was loaded on another list meanwhile: look again.",
    ),
    "fk_trees_species_id_species": ("species_id", "Choose a species of the list."),
    "fk_inspections_tree_id_trees": ("tree", "This tree no longer exists."),
    "uq_species_scientific_name": ("scientific_name", "Another species has this scientific name."),
}
REFUSED = "The database refused these values."


def commit_changes(*, actor: User | None) -> None:
    """Commit; the audit log records `actor` (it reads it from the session)."""
    db.session.info["actor_id"] = actor.id if actor else None
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        raise refusal(error) from error
    db.session.commit()


def refusal(error: IntegrityError) -> ValidationFailed:
    """The error a user is shown for a constraint the database enforced."""
    diag = getattr(error.orig, "diag", None)
    constraint = getattr(diag, "constraint_name", None)
    log.warning("database refused a change: %s", str(error.orig).split("\n")[0])
    field, message = REFUSALS.get(constraint, ("form", REFUSED))
    return ValidationFailed(REFUSED, details={field: message})
