"""A trigram index serves the text filter on PostgreSQL

Revision ID: b7d41c2e9a60
Revises: a3c5e7f9b1d2
Create Date: 2026-12-07 04:10:00

A search for text inside events' titles and descriptions read every event; with pg_trgm's
GIN index it reads the few that hold the text. SQLite has no such index and gets none.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "b7d41c2e9a60"
down_revision = "a3c5e7f9b1d2"
branch_labels = None
depends_on = None


def _on_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    if _on_postgresql():
        # A trusted extension: the database's owner may create it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index(
            "ix_events_search_text_trgm",
            "events",
            ["search_text"],
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        )


def downgrade():
    if _on_postgresql():
        # The extension stays: other databases' objects, or the administrator's, may use it.
        op.drop_index("ix_events_search_text_trgm", table_name="events")
