"""Policy-in-code: one module per resource (entry point oslo.policy.policies)."""

import itertools

from oslo_policy import policy

from protector.policies import (
    base,
    members,
    operations,
    protection_groups,
    replication_policies,
    sites,
    sync,
    tenant_mappings,
)


def list_rules() -> list[policy.RuleDefault]:
    return list(itertools.chain(
        base.list_rules(), sites.list_rules(), tenant_mappings.list_rules(),
        protection_groups.list_rules(), members.list_rules(),
        replication_policies.list_rules(), operations.list_rules(), sync.list_rules()))
