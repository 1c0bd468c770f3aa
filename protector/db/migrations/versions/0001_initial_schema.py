"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23 15:25:44.787546
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

TIMESTAMP = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sites",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.String(length=255), nullable=True),
        sa.Column("site_type", sa.String(length=16), nullable=False),
        sa.Column("auth_url", sa.String(length=255), nullable=False),
        sa.Column("region_name", sa.String(length=255), nullable=True),
        sa.Column("interface", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("service_username", sa.String(length=255), nullable=True),
        sa.Column("service_password_encrypted", sa.Text(), nullable=True),
        sa.Column("service_project_name", sa.String(length=255), nullable=True),
        sa.Column("service_user_domain_name", sa.String(length=255), nullable=True),
        sa.Column("service_project_domain_name", sa.String(length=255), nullable=True),
        sa.Column("last_validated_at", TIMESTAMP, nullable=True),
        sa.Column("last_validation", sa.JSON(), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name", name="uniq_sites0name"),
        mysql_charset="utf8mb4",
        mysql_engine="InnoDB",
    )
    op.create_table(
        "protection_groups",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.String(length=255), nullable=True),
        sa.Column("replication_type", sa.String(length=16), nullable=False),
        sa.Column("volume_type", sa.String(length=255), nullable=False),
        sa.Column("primary_site_id", sa.String(length=36), nullable=False),
        sa.Column("secondary_site_id", sa.String(length=36), nullable=False),
        sa.Column("current_primary_site_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("metadata_version", sa.Integer(), nullable=False),
        sa.Column("sync_status", sa.String(length=16), nullable=False),
        sa.Column("last_sync_at", TIMESTAMP, nullable=True),
        sa.Column("last_replication_at", TIMESTAMP, nullable=True),
        sa.Column("network_mapping", sa.JSON(), nullable=False),
        sa.Column("flavor_mapping", sa.JSON(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=True),
        sa.ForeignKeyConstraint(
            ["current_primary_site_id"],
            ["sites.id"],
        ),
        sa.ForeignKeyConstraint(
            ["primary_site_id"],
            ["sites.id"],
        ),
        sa.ForeignKeyConstraint(
            ["secondary_site_id"],
            ["sites.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "name", name="uniq_protection_groups0project0name"),
        mysql_charset="utf8mb4",
        mysql_engine="InnoDB",
    )
    op.create_index(
        op.f("ix_protection_groups_project_id"), "protection_groups", ["project_id"], unique=False
    )

    op.create_table(
        "tenant_mappings",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("local_tenant", sa.String(length=64), nullable=False),
        sa.Column("remote_site_id", sa.String(length=36), nullable=False),
        sa.Column("remote_tenant", sa.String(length=64), nullable=False),
        sa.Column("description", sa.String(length=255), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=True),
        sa.ForeignKeyConstraint(
            ["remote_site_id"],
            ["sites.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "local_tenant", "remote_site_id", name="uniq_tenant_mappings0local0site"
        ),
        mysql_charset="utf8mb4",
        mysql_engine="InnoDB",
    )
    op.create_index(
        op.f("ix_tenant_mappings_local_tenant"), "tenant_mappings", ["local_tenant"], unique=False
    )

    op.create_table(
        "consistency_groups",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("protection_group_id", sa.String(length=36), nullable=False),
        sa.Column("site_id", sa.String(length=36), nullable=False),
        sa.Column("cinder_group_id", sa.String(length=36), nullable=True),
        sa.Column("backend_group_name", sa.String(length=255), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=True),
        sa.ForeignKeyConstraint(
            ["protection_group_id"], ["protection_groups.id"], ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "protection_group_id", "site_id", name="uniq_consistency_groups0pg0site"
        ),
        mysql_charset="utf8mb4",
        mysql_engine="InnoDB",
    )
    op.create_table(
        "dr_operations",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("protection_group_id", sa.String(length=36), nullable=True),
        sa.Column("operation_type", sa.String(length=32), nullable=False),
        sa.Column("failover_type", sa.String(length=16), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("current_step", sa.String(length=255), nullable=True),
        sa.Column("steps_completed", sa.JSON(), nullable=False),
        sa.Column("steps_failed", sa.JSON(), nullable=False),
        sa.Column("source_site_id", sa.String(length=36), nullable=True),
        sa.Column("target_site_id", sa.String(length=36), nullable=True),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("engine_host", sa.String(length=255), nullable=True),
        sa.Column("lease_expires_at", TIMESTAMP, nullable=True),
        sa.Column("started_at", TIMESTAMP, nullable=True),
        sa.Column("completed_at", TIMESTAMP, nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=True),
        sa.ForeignKeyConstraint(
            ["protection_group_id"], ["protection_groups.id"], ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id"),
        mysql_charset="utf8mb4",
        mysql_engine="InnoDB",
    )
    op.create_index(
        op.f("ix_dr_operations_project_id"), "dr_operations", ["project_id"], unique=False
    )
    op.create_index(
        op.f("ix_dr_operations_protection_group_id"),
        "dr_operations",
        ["protection_group_id"],
        unique=False,
    )

    op.create_table(
        "pg_members",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("protection_group_id", sa.String(length=36), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=False),
        sa.Column("instance_name", sa.String(length=255), nullable=True),
        sa.Column("boot_order", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=True),
        sa.ForeignKeyConstraint(
            ["protection_group_id"], ["protection_groups.id"], ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "protection_group_id", "instance_id", name="uniq_pg_members0pg0instance"
        ),
        mysql_charset="utf8mb4",
        mysql_engine="InnoDB",
    )
    op.create_index(
        op.f("ix_pg_members_protection_group_id"),
        "pg_members",
        ["protection_group_id"],
        unique=False,
    )

    op.create_table(
        "replication_policies",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("protection_group_id", sa.String(length=36), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("primary_fa_url", sa.String(length=255), nullable=False),
        sa.Column("primary_fa_api_token_encrypted", sa.Text(), nullable=False),
        sa.Column("secondary_fa_url", sa.String(length=255), nullable=False),
        sa.Column("secondary_fa_api_token_encrypted", sa.Text(), nullable=False),
        sa.Column("pure_pg_name", sa.String(length=255), nullable=True),
        sa.Column("rpo_minutes", sa.Integer(), nullable=False),
        sa.Column("retention_short_term_seconds", sa.Integer(), nullable=False),
        sa.Column("retention_per_day", sa.Integer(), nullable=False),
        sa.Column("retention_days", sa.Integer(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=True),
        sa.ForeignKeyConstraint(
            ["protection_group_id"], ["protection_groups.id"], ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("protection_group_id", name="uniq_replication_policies0pg"),
        mysql_charset="utf8mb4",
        mysql_engine="InnoDB",
    )
    op.create_table(
        "cg_volumes",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("consistency_group_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=True),
        sa.Column("volume_id", sa.String(length=36), nullable=False),
        sa.Column("array_volume_name", sa.String(length=255), nullable=True),
        sa.Column("peer_volume_id", sa.String(length=36), nullable=True),
        sa.Column("bootable", sa.Boolean(), nullable=False),
        sa.Column("device_name", sa.String(length=64), nullable=True),
        sa.Column("size_gb", sa.Integer(), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=True),
        sa.ForeignKeyConstraint(
            ["consistency_group_id"], ["consistency_groups.id"], ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["member_id"], ["pg_members.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("consistency_group_id", "volume_id", name="uniq_cg_volumes0cg0volume"),
        mysql_charset="utf8mb4",
        mysql_engine="InnoDB",
    )
