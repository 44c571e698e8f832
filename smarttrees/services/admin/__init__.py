"""Administration: accounts and API tokens, reference data and the species list, the demo
inventory."""

from smarttrees.services.admin.accounts import change_account, invite, list_accounts
from smarttrees.services.admin.audit import AuditQuery, audit_csv, audit_page
from smarttrees.services.admin.demo import load_demo
from smarttrees.services.admin.passwords import change_password
from smarttrees.services.admin.reference import analyze, invalid_polygon_count, load_reference
from smarttrees.services.admin.sign_in import (
    SECOND_STEP,
    TooManyAttempts,
    end_sessions,
    sign_in,
    sign_in_code,
)
from smarttrees.services.admin.species import (
    SpeciesUses,
    add_species,
    edit_species,
    get_species,
    species_with_uses,
)
from smarttrees.services.admin.species_merge import merge_preview, merge_species
from smarttrees.services.admin.two_step import (
    new_two_step_secret,
    recovery_codes_left,
    turn_off_two_step,
    turn_on_two_step,
    two_step_uri,
)
from smarttrees.services.admin.users import (
    DEVICE,
    authenticate,
    create_user,
    ensure_user,
    find_user,
    get_user,
    issue_token,
    list_tokens,
    revoke_token,
    user_for_token,
)

__all__ = [
    "DEVICE",
    "SECOND_STEP",
    "AuditQuery",
    "SpeciesUses",
    "TooManyAttempts",
    "add_species",
    "analyze",
    "audit_csv",
    "audit_page",
    "authenticate",
    "change_account",
    "change_password",
    "create_user",
    "edit_species",
    "end_sessions",
    "ensure_user",
    "find_user",
    "get_species",
    "get_user",
    "invalid_polygon_count",
    "invite",
    "issue_token",
    "list_accounts",
    "list_tokens",
    "load_demo",
    "load_reference",
    "merge_preview",
    "merge_species",
    "new_two_step_secret",
    "recovery_codes_left",
    "revoke_token",
    "sign_in",
    "sign_in_code",
    "species_with_uses",
    "turn_off_two_step",
    "turn_on_two_step",
    "two_step_uri",
    "user_for_token",
]
