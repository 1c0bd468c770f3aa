"""Schemas of the site-to-site sync calls and of sync-force."""

from protector.api.v1.schemas import parameter_types as types

document = {
    "type": "object",
    "properties": {
        "format": {"type": "integer", "const": 1},
        "id": types.uuid,
        "metadata_version": {"type": "integer", "minimum": 1},
        "deleted": {"type": "boolean"},
        "protection_group": {"type": "object"},
        "members": {"type": "array", "items": {"type": "object"}},
        "policy": {"type": ["object", "null"]},
        "consistency_groups": {"type": "array", "items": {"type": "object"}},
        # A delta (protector.sync.delta): the parts that changed since this
        # version, and the ids of those that went.
        "base_version": {"type": "integer", "minimum": 1},
        "removed_members": {"type": "array", "items": {"type": "string"}},
        "removed_consistency_groups": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["format", "id", "metadata_version", "deleted"],
    "allOf": [
        {"if": {"properties": {"deleted": {"const": False}},
                "not": {"required": ["base_version"]}},
         "then": {"required": ["protection_group", "members", "policy",
                               "consistency_groups"]}},
        {"if": {"required": ["base_version"]},
         "then": {"required": ["protection_group", "members", "removed_members",
                               "consistency_groups", "removed_consistency_groups"],
                  "properties": {"deleted": {"const": False}}}},
    ],
    "additionalProperties": False,
}

export_query = {"type": "object",
                "properties": {"fields": {"type": "string", "enum": ["metadata_version"]}},
                "additionalProperties": False}

import_query = {"type": "object", "properties": {"force": {"type": "boolean"}},
                "additionalProperties": False}

mirror = {
    "type": "object",
    "properties": {
        "local_tenant": types.project_id,
        "remote_site": types.reference,
        "remote_tenant": types.project_id,
        "description": types.description,
        "deleted": {"type": "boolean"},
    },
    "required": ["local_tenant", "remote_site", "remote_tenant", "deleted"],
    "additionalProperties": False,
}

force = {
    "type": "object",
    "properties": {"source": types.reference},
    "additionalProperties": False,
}
