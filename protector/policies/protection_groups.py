"""Protection groups belong to a project: admin or owner."""

from oslo_policy import policy

from protector.policies import base

BASE = "protector:protection_groups:%s"
INDEX = BASE % "index"
SHOW = BASE % "show"
CREATE = BASE % "create"
UPDATE = BASE % "update"
DELETE = BASE % "delete"
SYNC_STATUS = BASE % "sync_status"
SYNC_FORCE = BASE % "sync_force"
RECOVERY_POINTS = BASE % "recovery_points"

_PATH = "/v1/{project_id}/protection-groups"

rules = [
    policy.DocumentedRuleDefault(INDEX, base.RULE_DEFAULT, "List protection groups.",
                                 [{"method": "GET", "path": _PATH}]),
    policy.DocumentedRuleDefault(SHOW, base.RULE_DEFAULT, "Show a protection group.",
                                 [{"method": "GET", "path": _PATH + "/{pg}"}]),
    policy.DocumentedRuleDefault(CREATE, base.RULE_DEFAULT, "Create a protection group.",
                                 [{"method": "POST", "path": _PATH}]),
    policy.DocumentedRuleDefault(UPDATE, base.RULE_DEFAULT, "Update a protection group.",
                                 [{"method": "PUT", "path": _PATH + "/{pg}"}]),
    policy.DocumentedRuleDefault(DELETE, base.RULE_DEFAULT, "Delete a protection group.",
                                 [{"method": "DELETE", "path": _PATH + "/{pg}"}]),
    policy.DocumentedRuleDefault(
        SYNC_STATUS, base.RULE_DEFAULT,
        "Compare a protection group's metadata version with the peer site's.",
        [{"method": "GET", "path": _PATH + "/{pg}/sync-status"}]),
    policy.DocumentedRuleDefault(
        SYNC_FORCE, base.RULE_DEFAULT,
        "Make the peer site's copy of a protection group equal to the "
        "authoritative one.",
        [{"method": "POST", "path": _PATH + "/{pg}/sync-force"}]),
    policy.DocumentedRuleDefault(
        RECOVERY_POINTS, base.RULE_DEFAULT,
        "List the recovery points a protection group can fail over to.",
        [{"method": "GET", "path": _PATH + "/{pg}/recovery-points"}]),
]


def list_rules() -> list[policy.RuleDefault]:
    return rules
