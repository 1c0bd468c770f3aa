"""dr_operation_steps.result: a member step's checkpoint

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("dr_operation_steps", sa.Column("result", sa.JSON(), nullable=True))

