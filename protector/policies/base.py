"""Base rules. Names and check strings are those of the spec's policy.yaml,
so the file an operator copies from the documentation is a no-op override.
"""

from oslo_policy import policy

RULE_ADMIN = "rule:context_is_admin"
RULE_ADMIN_OR_OWNER = "rule:admin_or_owner"
RULE_DEFAULT = "rule:default"

rules = [
    policy.RuleDefault("context_is_admin", "role:admin",
                       description="Decides who is an administrator."),
    policy.RuleDefault("admin_or_owner", "is_admin:True or project_id:%(project_id)s",
                       description="An administrator, or a member of the project "
                                   "that owns the resource."),
    policy.RuleDefault("default", RULE_ADMIN_OR_OWNER,
                       description="Rule used by every protector resource unless "
                                   "overridden."),
]


def list_rules() -> list[policy.RuleDefault]:
    return rules
