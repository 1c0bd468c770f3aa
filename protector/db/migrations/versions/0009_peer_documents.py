"""peer_documents: per PG, the version the peer holds and its parts'
digests (delta documents)

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

Timestamp = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def upgrade() -> None:
    op.create_table(
        "peer_documents",
        sa.Column("protection_group_id", sa.String(36),
                  sa.ForeignKey("protection_groups.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("metadata_version", sa.Integer, nullable=False),
        sa.Column("digests", sa.JSON, nullable=False),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.Column("updated_at", Timestamp, nullable=True),
        mysql_engine="InnoDB", mysql_charset="utf8mb4")
