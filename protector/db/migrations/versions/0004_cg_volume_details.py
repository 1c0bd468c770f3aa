"""cg_volumes.volume_type and cg_volumes.image_name

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cg_volumes") as batch_op:
        batch_op.add_column(sa.Column("volume_type", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("image_name", sa.String(length=255), nullable=True))
