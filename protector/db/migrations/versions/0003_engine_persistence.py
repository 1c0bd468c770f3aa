"""taskflow persistence tables and dr_operations.flow_detail_id

taskflow keeps the state of every flow it runs (logbooks, flowdetails,
atomdetails) so that an engine that dies mid-operation can be resumed by
another. Its tables are created from taskflow's own definitions, in
protector's database and migration history (taskflow's own Alembic history
would clash with ours on the alembic_version table).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op
from taskflow.persistence.backends.sqlalchemy import tables as taskflow_tables

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    metadata = sa.MetaData()
    taskflow_tables.fetch(metadata)
    metadata.create_all(bind=op.get_bind())
    with op.batch_alter_table("dr_operations") as batch_op:
        batch_op.add_column(sa.Column("flow_detail_id", sa.String(length=36), nullable=True))
