"""Schemas of the protection-group action endpoint: one action per request."""

from protector.api.v1.schemas import parameter_types as types

test_failover = {
    "type": "object",
    "properties": {
        "auto_network": {"type": "boolean"},
        "network_mapping": types.mapping,
        "flavor_mapping": types.mapping,
        "recovery_point": {"type": "string", "minLength": 1, "maxLength": 255},
    },
    "additionalProperties": False,
    "not": {"required": ["auto_network", "network_mapping"],
            "properties": {"auto_network": {"const": True}}},
}
test_cleanup = {"type": "object", "additionalProperties": False}

failover = {
    "type": "object",
    "properties": {
        "failover_type": {"enum": ["planned", "unplanned"]},
        "network_mapping": types.mapping,
        "flavor_mapping": types.mapping,
        # Unplanned only (checked by the handler, with a message that says so).
        "recovery_point": {"type": "string", "minLength": 1, "maxLength": 255},
    },
    "additionalProperties": False,
}
failback = {
    "type": "object",
    "properties": {"network_mapping": types.mapping, "flavor_mapping": types.mapping},
    "additionalProperties": False,
}
reprotect = {"type": "object", "additionalProperties": False}

ACTIONS = {"test_failover": test_failover, "test_cleanup": test_cleanup,
           "failover": failover, "failback": failback, "reprotect": reprotect}

action = {
    "type": "object",
    "properties": ACTIONS,
    "minProperties": 1,
    "maxProperties": 1,
    "additionalProperties": False,
}
