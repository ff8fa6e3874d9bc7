"""an invitation can be revoked

Revision ID: 5b1e0c7a9d21
Revises: 07de4f5e60fb
Create Date: 2026-11-28 19:10:00

"""

import sqlalchemy as sa
from alembic import op

import planner.db

# revision identifiers, used by Alembic.
revision = "5b1e0c7a9d21"
down_revision = "07de4f5e60fb"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("invitations") as batch_op:
        batch_op.add_column(
            sa.Column("revoked_at", planner.db.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("invitations") as batch_op:
        batch_op.drop_column("revoked_at")
