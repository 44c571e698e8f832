"""flask reference, demo, users and jobs: reference data, the demo inventory, accounts and the
job worker."""

import json
import time
from pathlib import Path

import click
from flask import current_app

from smarttrees.cli.groups import DomainGroup
from smarttrees.models import Role
from smarttrees.services import admin

reference_cli = DomainGroup("reference", help="Reference data: communes, species.")
demo_cli = DomainGroup("demo", help="The demo inventory.")
users_cli = DomainGroup("users", help="Accounts and API tokens.")
jobs_cli = DomainGroup("jobs", help="The background job queue.")

DEMO_LOGIN = {"email": "admin@smarttrees.local", "password": "smarttrees-demo"}
DEMO_TEAM = (
    ("manager@smarttrees.local", "Quản lý (demo)", Role.MANAGER),
    ("field@smarttrees.local", "Kiểm lâm (demo)", Role.FIELD),
    ("viewer@smarttrees.local", "Người xem (demo)", Role.VIEWER),
)


@reference_cli.command("load")
def reference_load() -> None:
    """Load Thái Nguyên's communes and the species list (safe to run again)."""
    counts = admin.load_reference(Path(current_app.config["REFERENCE_DIR"]))
    click.echo(json.dumps(counts))


@demo_cli.command("load")
@click.option("--trees", default=5000, show_default=True, help="How many demo trees.")
@click.option("--seed", default=20250701, show_default=True)
def demo_load(trees: int, seed: int) -> None:
    """Bring the demo inventory up to --trees trees, with demo accounts; idempotent."""
    started = time.perf_counter()
    result = admin.load_demo(trees=trees, seed=seed)
    elapsed = time.perf_counter() - started
    admin.ensure_user(name="Quản trị (demo)", role=Role.ADMIN, **DEMO_LOGIN)
    for email, name, role in DEMO_TEAM:
        admin.ensure_user(email=email, name=name, role=role, password=DEMO_LOGIN["password"])
    if result["created"]:
        rate = result["created"] / elapsed
        total = result["created"] + result["existing"]
        click.echo(
            f"demo: {result['created']:,} trees in {elapsed:.1f} s ({rate:,.0f} trees/s); "
            f"{total:,} demo trees in all"
        )
    else:
        click.echo(
            f"demo: {result['existing']:,} demo trees already loaded (asked for {trees:,}); "
            "nothing changed (a demo is topped up, never shrunk)"
        )
    click.echo(f"demo login: {DEMO_LOGIN['email']} / {DEMO_LOGIN['password']}")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option(
    "--role", type=click.Choice([r.value for r in Role]), default="viewer", show_default=True
)
@click.password_option(help="Asked for when not given.")
def users_create(email: str, name: str, role: str, password: str) -> None:
    """Create an account."""
    user = admin.create_user(email=email, name=name, password=password, role=Role(role))
    click.echo(f"created {user.email} ({user.role.value})")


@users_cli.command("token")
@click.argument("email")
@click.option("--name", default="cli", show_default=True, help="What the token is for.")
@click.option("--days", type=click.IntRange(1, 366), default=90, show_default=True)
def users_token(email: str, name: str, days: int) -> None:
    """Issue an API token for a user, valid DAYS; it is printed once."""
    user = admin.find_user(email)
    click.echo(admin.issue_token(user, name=name, days=days))


@users_cli.command("tokens")
@click.argument("email")
def users_tokens(email: str) -> None:
    """List a user's tokens: id, name, created, last used, expires, revoked."""
    user = admin.find_user(email)
    for token in admin.list_tokens(user):
        if token.user_id == user.id:
            used = token.last_used_at.isoformat(timespec="minutes") if token.last_used_at else "-"
            revoked = token.revoked_at.isoformat(timespec="minutes") if token.revoked_at else "-"
            click.echo(
                f"{token.id}\t{token.name}\t{token.created_at:%Y-%m-%d}\t{used}\t"
                f"{token.expires_at:%Y-%m-%d}\t{revoked}"
            )


@users_cli.command("revoke-token")
@click.argument("token_id", type=int)
def users_revoke_token(token_id: int) -> None:
    """Revoke a token (its id from `users tokens`): it stops working at once."""
    token = admin.revoke_token(token_id, by=None)
    click.echo(f"revoked {token.id} ({token.name}) of {token.user.email}")


@jobs_cli.command("worker")
@click.option("--once", is_flag=True, help="Run the waiting jobs, then stop.")
def jobs_worker(once: bool) -> None:
    """Run the job worker."""
    from smarttrees import jobs

    jobs.use_app(current_app._get_current_object())
    for job in jobs.recover_stalled_jobs():  # left by a worker that died
        state = "failed" if job["failed"] else "queued again"
        click.echo(f"{job['task']} {json.dumps(job['args'])}: its worker died; {state}")
    queue = jobs.queue_app(current_app.config["DATABASE_URL"])
    with queue.open():
        queue.run_worker(wait=not once, install_signal_handlers=not once)
