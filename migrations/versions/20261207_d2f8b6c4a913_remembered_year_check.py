"""The year a day remembers is a year: a CHECK like the first observed year's

Revision ID: d2f8b6c4a913
Revises: c91e5a7d3f28
Create Date: 2026-12-07 04:20:00

The forms and the model refuse a year below 1, but a value written straight into the table
reached the API, whose answer refused it in turn (a 500). A year below 1 never meant one: such
a value becomes unknown (NULL) before the constraint is added.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d2f8b6c4a913"
down_revision = "c91e5a7d3f28"
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        sa.text("UPDATE commemorations SET remembered_year = NULL WHERE remembered_year < 1")
    )
    with op.batch_alter_table("commemorations") as batch:
        batch.create_check_constraint(
            "ck_commemorations_remembered_year", "remembered_year IS NULL OR remembered_year > 0"
        )


def downgrade():
    with op.batch_alter_table("commemorations") as batch:
        batch.drop_constraint("ck_commemorations_remembered_year", type_="check")
