"""Feed state for ``bilat watch``: each feed's validators and schedule, every article URL seen.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feeds",
        sa.Column("url", sa.String(2000), primary_key=True),
        sa.Column("etag", sa.String(500)),
        sa.Column("last_modified", sa.String(100)),
        sa.Column("checked_at", sa.DateTime),
        sa.Column("next_check_at", sa.DateTime),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text),
    )
    op.create_table(
        "feed_items",
        sa.Column("url", sa.String(2000), primary_key=True),
        sa.Column("feed_url", sa.String(2000), sa.ForeignKey("feeds.url"), nullable=False,
                  index=True),
        sa.Column("title", sa.Text),
        sa.Column("published", sa.String(10)),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("first_seen", sa.DateTime, nullable=False),
        sa.Column("next_try_at", sa.DateTime),
    )
    op.create_index("ix_feed_items_status_next_try", "feed_items", ["status", "next_try_at"])


def downgrade() -> None:
    op.drop_table("feed_items")
    op.drop_table("feeds")
