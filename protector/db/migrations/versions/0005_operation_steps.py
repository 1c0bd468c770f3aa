"""dr_operation_steps: when each step of an operation ran (the report's timeline)

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def upgrade() -> None:
    op.create_table(
        "dr_operation_steps",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("operation_id", sa.String(36),
                  sa.ForeignKey("dr_operations.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("member_id", sa.String(36), nullable=True),
        sa.Column("started_at", TIMESTAMP, nullable=False),
        sa.Column("finished_at", TIMESTAMP, nullable=True),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=True),
        mysql_engine="InnoDB", mysql_charset="utf8mb4")
    op.create_index("ix_dr_operation_steps_operation_id", "dr_operation_steps",
                    ["operation_id"])
