"""Administration: accounts and API tokens, reference data, the species list and the communes,
the demo inventory."""

from smarttrees.services.admin.accounts import change_account, invite, list_accounts
from smarttrees.services.admin.audit import AuditQuery, audit_csv, audit_page
from smarttrees.services.admin.communes import (
    CommuneRow,
    assign_communes,
    communes_by_user,
    communes_with_uses,
    field_users_of,
    get_account,
    rename_commune,
)
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
    "CommuneRow",
    "SpeciesUses",
    "TooManyAttempts",
    "add_species",
    "analyze",
    "assign_communes",
    "audit_csv",
    "audit_page",
    "authenticate",
    "change_account",
    "change_password",
    "communes_by_user",
    "communes_with_uses",
    "create_user",
    "edit_species",
    "end_sessions",
    "ensure_user",
    "field_users_of",
    "find_user",
    "get_account",
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
    "rename_commune",
    "revoke_token",
    "sign_in",
    "sign_in_code",
    "species_with_uses",
    "turn_off_two_step",
    "turn_on_two_step",
    "two_step_uri",
    "user_for_token",
]
