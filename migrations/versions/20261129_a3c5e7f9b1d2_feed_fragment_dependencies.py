"""Feed fragments keep what they were rendered from in columns, compared by the database

Revision ID: a3c5e7f9b1d2
Revises: 69b4af5e41ee
Create Date: 2026-11-29 01:50:00

The fragments are a cache rebuilt on demand (never in a backup): the table is made anew
rather than converted, and every feed renders its events once after the upgrade.
"""

import sqlalchemy as sa
from alembic import op

import planner.db

# revision identifiers, used by Alembic.
revision = "a3c5e7f9b1d2"
down_revision = "69b4af5e41ee"
branch_labels = None
depends_on = None


def _fragments_table(*dependencies: sa.Column) -> None:
    op.create_table(
        "feed_fragments",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        *dependencies,
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_feed_fragments_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "lang", name=op.f("pk_feed_fragments")),
    )


def upgrade():
    op.drop_table("feed_fragments")
    _fragments_table(
        sa.Column("context", sa.String(length=64), nullable=False),
        sa.Column("event_version", sa.Integer(), nullable=False),
        sa.Column("venue_changed", planner.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("commemoration_changed", planner.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("organisations_changed", planner.db.UTCDateTime(timezone=True), nullable=True),
    )


def downgrade():
    op.drop_table("feed_fragments")
    _fragments_table(sa.Column("dependencies", sa.String(length=64), nullable=False))
