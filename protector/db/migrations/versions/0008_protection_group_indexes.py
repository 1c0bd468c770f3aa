"""protection_groups indexes for an estate: list pages of a project, and of
every project (admin), read in order

Revision ID: 0008
Revises: 0007
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_protection_groups_project_created", "protection_groups",
                    ["project_id", "created_at", "id"])
    op.create_index("ix_protection_groups_created", "protection_groups",
                    ["created_at", "id"])
