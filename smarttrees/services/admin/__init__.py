"""Administration: accounts and API tokens, reference data, the demo inventory."""

from smarttrees.services.admin.demo import load_demo
from smarttrees.services.admin.reference import analyze, invalid_polygon_count, load_reference
from smarttrees.services.admin.sign_in import TooManyAttempts, end_sessions, sign_in
from smarttrees.services.admin.users import (
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
    "TooManyAttempts",
    "analyze",
    "authenticate",
    "create_user",
    "end_sessions",
    "ensure_user",
    "find_user",
    "get_user",
    "invalid_polygon_count",
    "issue_token",
    "list_tokens",
    "load_demo",
    "load_reference",
    "revoke_token",
    "sign_in",
    "user_for_token",
]
