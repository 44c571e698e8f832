"""Sessions that end: a user's session version (raised at sign-out); sign-in attempts, kept to
lock an account or an address after too many failures; API tokens that expire (the ones
already issued, 90 days after they were).

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "users", sa.Column("session_version", sa.Integer(), server_default="1", nullable=False)
    )
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_login_attempts"),
    )
    op.create_index("ix_login_attempts_email_at", "login_attempts", ["email", "at"])
    op.create_index("ix_login_attempts_address_at", "login_attempts", ["address", "at"])
    op.add_column("api_tokens", sa.Column("expires_at", sa.DateTime(timezone=True)))
    op.execute("UPDATE api_tokens SET expires_at = created_at + interval '90 days'")
    op.alter_column("api_tokens", "expires_at", nullable=False)


def downgrade():
    op.drop_column("api_tokens", "expires_at")
    op.drop_table("login_attempts")
    op.drop_column("users", "session_version")
