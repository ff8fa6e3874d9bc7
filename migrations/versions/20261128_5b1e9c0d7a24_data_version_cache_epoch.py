"""data version: cache epoch

Revision ID: 5b1e9c0d7a24
Revises: 5b1e0c7a9d21
Create Date: 2026-11-28 19:10:00.000000

"""

import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5b1e9c0d7a24"
down_revision = "5b1e0c7a9d21"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("data_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("epoch", sa.String(length=32), nullable=True))
    # Caches keyed before this revision had no epoch; the existing row starts a new one.
    op.execute(
        sa.text("UPDATE data_version SET epoch = :epoch").bindparams(epoch=secrets.token_hex(16))
    )
    with op.batch_alter_table("data_version", schema=None) as batch_op:
        batch_op.alter_column("epoch", existing_type=sa.String(length=32), nullable=False)


def downgrade():
    with op.batch_alter_table("data_version", schema=None) as batch_op:
        batch_op.drop_column("epoch")
