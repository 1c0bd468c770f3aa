"""dr_operations indexes for a long history: list pages by project and by
PG, unfinished operations

Revision ID: 0007
Revises: 0006
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_dr_operations_project_created", "dr_operations",
                    ["project_id", "created_at", "id"])
    op.create_index("ix_dr_operations_pg_created", "dr_operations",
                    ["protection_group_id", "created_at", "id"])
    op.create_index("ix_dr_operations_status", "dr_operations", ["status"])
