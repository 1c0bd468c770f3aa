"""DR operations: list and show, and the PG action that starts one."""

from oslo_policy import policy

from protector.policies import base

BASE = "protector:operations:%s"
INDEX = BASE % "index"
SHOW = BASE % "show"
ACTION = BASE % "action"

rules = [
    policy.DocumentedRuleDefault(INDEX, base.RULE_DEFAULT, "List DR operations.",
                                 [{"method": "GET", "path": "/v1/{project_id}/operations"}]),
    policy.DocumentedRuleDefault(SHOW, base.RULE_DEFAULT, "Show a DR operation.",
                                 [{"method": "GET",
                                   "path": "/v1/{project_id}/operations/{operation}"}]),
    policy.DocumentedRuleDefault(
        ACTION, base.RULE_DEFAULT,
        "Start a DR operation on a protection group (failover, test failover, ...).",
        [{"method": "POST", "path": "/v1/{project_id}/protection-groups/{pg}/action"}]),
]


def list_rules() -> list[policy.RuleDefault]:
    return rules
