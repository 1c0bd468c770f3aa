"""Site-to-site sync calls: the peer's protector (its service user) writes
protection group documents and tenant-mapping mirrors. Admin only."""

from oslo_policy import policy

from protector.policies import base

IMPORT = "protector:sync:import"

rules = [
    policy.DocumentedRuleDefault(
        IMPORT, base.RULE_ADMIN,
        "Read or write a protection group document or a tenant-mapping mirror, "
        "or read a project's trust (called by the peer site's protector).",
        [{"method": "GET", "path": "/v1/{project_id}/protection-groups/{pg}/metadata"},
         {"method": "PUT", "path": "/v1/{project_id}/protection-groups/{pg}/metadata"},
         {"method": "PUT", "path": "/v1/{project_id}/tenant-mappings/{id}/mirror"},
         {"method": "GET", "path": "/v1/{project_id}/trust"}]),
]


def list_rules() -> list[policy.RuleDefault]:
    return rules
