"""SQLAlchemy 2 models. Table names follow the spec; ids are UUID strings.

No soft delete: a deleted row is gone. Every row a tenant owns carries
``project_id``. Secrets are stored only in ``*_encrypted`` columns.
"""

import datetime
from typing import Any

from oslo_utils import timeutils, uuidutils
from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

UUID_LEN = 36
# Microseconds on MariaDB too: lists are ordered by creation time.
Timestamp = DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
NAME_LEN = 255


def _uuid() -> str:
    return uuidutils.generate_uuid()


class Base(DeclarativeBase):
    __table_args__ = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4"}

    created_at: Mapped[datetime.datetime] = mapped_column(
        Timestamp, default=timeutils.utcnow, nullable=False)
    updated_at: Mapped[datetime.datetime | None] = mapped_column(
        Timestamp, onupdate=timeutils.utcnow, nullable=True)

    def as_dict(self) -> dict[str, Any]:
        return {c.name: getattr(self, c.key) for c in self.__table__.columns}


class Site(Base):
    __tablename__ = "sites"
    __table_args__ = (UniqueConstraint("name", name="uniq_sites0name"),
                      Base.__table_args__)

    id: Mapped[str] = mapped_column(String(UUID_LEN), primary_key=True, default=_uuid)
    name: Mapped[str] = mapped_column(String(NAME_LEN), nullable=False)
    description: Mapped[str | None] = mapped_column(String(NAME_LEN))
    site_type: Mapped[str] = mapped_column(String(16), nullable=False)
    auth_url: Mapped[str] = mapped_column(String(NAME_LEN), nullable=False)
    region_name: Mapped[str | None] = mapped_column(String(NAME_LEN))
    interface: Mapped[str] = mapped_column(String(16), nullable=False, default="public")
    # The site's protector API (http://host:8788); unset means the endpoint
    # of service type "protector" in the site's Keystone catalog.
    protector_url: Mapped[str | None] = mapped_column(String(NAME_LEN))
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="active")
    # Credentials for reaching this site; unset means the local
    # [keystone_authtoken] service user.
    service_username: Mapped[str | None] = mapped_column(String(NAME_LEN))
    service_password_encrypted: Mapped[str | None] = mapped_column(Text)
    service_project_name: Mapped[str | None] = mapped_column(String(NAME_LEN))
    service_user_domain_name: Mapped[str | None] = mapped_column(String(NAME_LEN))
    service_project_domain_name: Mapped[str | None] = mapped_column(String(NAME_LEN))
    last_validated_at: Mapped[datetime.datetime | None] = mapped_column(Timestamp)
    last_validation: Mapped[dict | None] = mapped_column(JSON)


class TenantMapping(Base):
    __tablename__ = "tenant_mappings"
    __table_args__ = (UniqueConstraint("local_tenant", "remote_site_id",
                                       name="uniq_tenant_mappings0local0site"),
                      Base.__table_args__)

    id: Mapped[str] = mapped_column(String(UUID_LEN), primary_key=True, default=_uuid)
    local_tenant: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    remote_site_id: Mapped[str] = mapped_column(
        String(UUID_LEN), ForeignKey("sites.id"), nullable=False)
    remote_tenant: Mapped[str] = mapped_column(String(64), nullable=False)
    description: Mapped[str | None] = mapped_column(String(NAME_LEN))


class ProtectionGroup(Base):
    __tablename__ = "protection_groups"
    __table_args__ = (UniqueConstraint("project_id", "name",
                                       name="uniq_protection_groups0project0name"),
                      # List pages, a project's and every project's, in order.
                      Index("ix_protection_groups_project_created", "project_id",
                            "created_at", "id"),
                      Index("ix_protection_groups_created", "created_at", "id"),
                      Base.__table_args__)

    id: Mapped[str] = mapped_column(String(UUID_LEN), primary_key=True, default=_uuid)
    project_id: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(NAME_LEN), nullable=False)
    description: Mapped[str | None] = mapped_column(String(NAME_LEN))
    replication_type: Mapped[str] = mapped_column(String(16), nullable=False)
    volume_type: Mapped[str] = mapped_column(String(NAME_LEN), nullable=False)
    primary_site_id: Mapped[str] = mapped_column(
        String(UUID_LEN), ForeignKey("sites.id"), nullable=False)
    secondary_site_id: Mapped[str] = mapped_column(
        String(UUID_LEN), ForeignKey("sites.id"), nullable=False)
    current_primary_site_id: Mapped[str] = mapped_column(
        String(UUID_LEN), ForeignKey("sites.id"), nullable=False)
    status: Mapped[str] = mapped_column(String(32), nullable=False)
    metadata_version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    sync_status: Mapped[str] = mapped_column(String(16), nullable=False)
    last_sync_at: Mapped[datetime.datetime | None] = mapped_column(Timestamp)
    last_replication_at: Mapped[datetime.datetime | None] = mapped_column(Timestamp)
    network_mapping: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    flavor_mapping: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)

    members: Mapped[list["Member"]] = relationship(
        back_populates="protection_group", cascade="all, delete-orphan",
        order_by="Member.boot_order")
    policy: Mapped["ReplicationPolicy | None"] = relationship(
        back_populates="protection_group", cascade="all, delete-orphan", uselist=False)
    consistency_groups: Mapped[list["ConsistencyGroup"]] = relationship(
        back_populates="protection_group", cascade="all, delete-orphan")


class Member(Base):
    __tablename__ = "pg_members"
    __table_args__ = (UniqueConstraint("protection_group_id", "instance_id",
                                       name="uniq_pg_members0pg0instance"),
                      Base.__table_args__)

    id: Mapped[str] = mapped_column(String(UUID_LEN), primary_key=True, default=_uuid)
    protection_group_id: Mapped[str] = mapped_column(
        String(UUID_LEN), ForeignKey("protection_groups.id", ondelete="CASCADE"),
        nullable=False, index=True)
    project_id: Mapped[str] = mapped_column(String(64), nullable=False)
    instance_id: Mapped[str] = mapped_column(String(UUID_LEN), nullable=False)
    instance_name: Mapped[str | None] = mapped_column(String(NAME_LEN))
    boot_order: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    # Captured server spec: flavor, ports, volumes, ... (see docs/).
    spec: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)

    protection_group: Mapped[ProtectionGroup] = relationship(back_populates="members")


class ConsistencyGroup(Base):
    __tablename__ = "consistency_groups"
    __table_args__ = (UniqueConstraint("protection_group_id", "site_id",
                                       name="uniq_consistency_groups0pg0site"),
                      Base.__table_args__)

    id: Mapped[str] = mapped_column(String(UUID_LEN), primary_key=True, default=_uuid)
    protection_group_id: Mapped[str] = mapped_column(
        String(UUID_LEN), ForeignKey("protection_groups.id", ondelete="CASCADE"),
        nullable=False)
    site_id: Mapped[str] = mapped_column(String(UUID_LEN), ForeignKey("sites.id"),
                                         nullable=False)
    cinder_group_id: Mapped[str | None] = mapped_column(String(UUID_LEN))
    backend_group_name: Mapped[str | None] = mapped_column(String(NAME_LEN))
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="creating")

    protection_group: Mapped[ProtectionGroup] = relationship(
        back_populates="consistency_groups")
    volumes: Mapped[list["CGVolume"]] = relationship(
        back_populates="consistency_group", cascade="all, delete-orphan")


class CGVolume(Base):
    __tablename__ = "cg_volumes"
    __table_args__ = (UniqueConstraint("consistency_group_id", "volume_id",
                                       name="uniq_cg_volumes0cg0volume"),
                      Base.__table_args__)

    id: Mapped[str] = mapped_column(String(UUID_LEN), primary_key=True, default=_uuid)
    consistency_group_id: Mapped[str] = mapped_column(
        String(UUID_LEN), ForeignKey("consistency_groups.id", ondelete="CASCADE"),
        nullable=False)
    member_id: Mapped[str | None] = mapped_column(
        String(UUID_LEN), ForeignKey("pg_members.id", ondelete="SET NULL"))
    volume_id: Mapped[str] = mapped_column(String(UUID_LEN), nullable=False)
    array_volume_name: Mapped[str | None] = mapped_column(String(NAME_LEN))
    peer_volume_id: Mapped[str | None] = mapped_column(String(UUID_LEN))
    bootable: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    device_name: Mapped[str | None] = mapped_column(String(64))
    size_gb: Mapped[int | None] = mapped_column(Integer)
    volume_type: Mapped[str | None] = mapped_column(String(NAME_LEN))
    # The Glance image the volume was built from: mock storage rebuilds the
    # volume from the same-named image on the other site.
    image_name: Mapped[str | None] = mapped_column(String(NAME_LEN))

    consistency_group: Mapped[ConsistencyGroup] = relationship(back_populates="volumes")


class ReplicationPolicy(Base):
    __tablename__ = "replication_policies"
    __table_args__ = (UniqueConstraint("protection_group_id",
                                       name="uniq_replication_policies0pg"),
                      Base.__table_args__)

    id: Mapped[str] = mapped_column(String(UUID_LEN), primary_key=True, default=_uuid)
    protection_group_id: Mapped[str] = mapped_column(
        String(UUID_LEN), ForeignKey("protection_groups.id", ondelete="CASCADE"),
        nullable=False)
    project_id: Mapped[str] = mapped_column(String(64), nullable=False)
    primary_fa_url: Mapped[str] = mapped_column(String(NAME_LEN), nullable=False)
    primary_fa_api_token_encrypted: Mapped[str] = mapped_column(Text, nullable=False)
    secondary_fa_url: Mapped[str] = mapped_column(String(NAME_LEN), nullable=False)
    secondary_fa_api_token_encrypted: Mapped[str] = mapped_column(Text, nullable=False)
    pure_pg_name: Mapped[str | None] = mapped_column(String(NAME_LEN))
    rpo_minutes: Mapped[int] = mapped_column(Integer, nullable=False)
    retention_short_term_seconds: Mapped[int] = mapped_column(Integer, nullable=False)
    retention_per_day: Mapped[int] = mapped_column(Integer, nullable=False)
    retention_days: Mapped[int] = mapped_column(Integer, nullable=False)

    protection_group: Mapped[ProtectionGroup] = relationship(back_populates="policy")


class Operation(Base):
    __tablename__ = "dr_operations"
    __table_args__ = (
        # Pages of the list API (all of a project's, or a PG's, oldest
        # first), test cleanup's last test failover, purge's "newer of its
        # type": the history grows with every operation.
        Index("ix_dr_operations_project_created", "project_id", "created_at", "id"),
        Index("ix_dr_operations_pg_created", "protection_group_id", "created_at", "id"),
        # The engine's sweeps look for the few unfinished ones among many.
        Index("ix_dr_operations_status", "status"),
        Base.__table_args__)

    id: Mapped[str] = mapped_column(String(UUID_LEN), primary_key=True, default=_uuid)
    project_id: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    protection_group_id: Mapped[str | None] = mapped_column(
        String(UUID_LEN), ForeignKey("protection_groups.id", ondelete="SET NULL"),
        index=True)
    operation_type: Mapped[str] = mapped_column(String(32), nullable=False)
    failover_type: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    progress: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    current_step: Mapped[str | None] = mapped_column(String(NAME_LEN))
    steps_completed: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    steps_failed: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    source_site_id: Mapped[str | None] = mapped_column(String(UUID_LEN))
    target_site_id: Mapped[str | None] = mapped_column(String(UUID_LEN))
    parameters: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    result: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    error_message: Mapped[str | None] = mapped_column(Text)
    # The taskflow flow detail holding the persisted state of the run.
    flow_detail_id: Mapped[str | None] = mapped_column(String(UUID_LEN))
    # Lease: which engine runs the operation and until when it is trusted
    # to be alive. A lapsed lease lets another engine take over.
    engine_host: Mapped[str | None] = mapped_column(String(NAME_LEN))
    lease_expires_at: Mapped[datetime.datetime | None] = mapped_column(Timestamp)
    started_at: Mapped[datetime.datetime | None] = mapped_column(Timestamp)
    completed_at: Mapped[datetime.datetime | None] = mapped_column(Timestamp)


class OperationStep(Base):
    """One attempt of one engine step: the timeline of an operation's report.

    A row per attempt, not per step: a step an engine re-runs after a
    takeover shows twice, as it happened.
    """

    __tablename__ = "dr_operation_steps"

    id: Mapped[str] = mapped_column(String(UUID_LEN), primary_key=True, default=_uuid)
    operation_id: Mapped[str] = mapped_column(
        String(UUID_LEN), ForeignKey("dr_operations.id", ondelete="CASCADE"),
        nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(NAME_LEN), nullable=False)
    member_id: Mapped[str | None] = mapped_column(String(UUID_LEN))
    started_at: Mapped[datetime.datetime] = mapped_column(Timestamp, nullable=False)
    finished_at: Mapped[datetime.datetime | None] = mapped_column(Timestamp)
    # running, success, failure, reverted
    outcome: Mapped[str] = mapped_column(String(16), nullable=False)
    error: Mapped[str | None] = mapped_column(Text)
    # A member step's result: where an engine taking over resumes it from.
    result: Mapped[Any | None] = mapped_column(JSON(none_as_null=True))


class Trust(Base):
    """A Keystone trust from a project's user to the protector service user."""

    __tablename__ = "trusts"
    __table_args__ = (UniqueConstraint("project_id", name="uniq_trusts0project"),
                      Base.__table_args__)

    id: Mapped[str] = mapped_column(String(UUID_LEN), primary_key=True, default=_uuid)
    project_id: Mapped[str] = mapped_column(String(64), nullable=False)
    trustor_user_id: Mapped[str] = mapped_column(String(64), nullable=False)
    trustee_user_id: Mapped[str] = mapped_column(String(64), nullable=False)
    trust_id: Mapped[str] = mapped_column(String(64), nullable=False)
    roles: Mapped[list] = mapped_column(JSON, nullable=False, default=list)


class PeerDocument(Base):
    """What the peer site holds of a PG: the version it confirmed (or sent)
    and a digest of each part of that document, so that the next push
    sends only the parts that changed (protector.sync.delta)."""

    __tablename__ = "peer_documents"

    protection_group_id: Mapped[str] = mapped_column(
        String(UUID_LEN), ForeignKey("protection_groups.id", ondelete="CASCADE"),
        primary_key=True)
    metadata_version: Mapped[int] = mapped_column(Integer, nullable=False)
    digests: Mapped[dict] = mapped_column(JSON, nullable=False)
