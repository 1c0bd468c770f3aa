"""Tenant mapping request schemas."""

from protector.api.v1.schemas import parameter_types as types

create = {
    "type": "object",
    "properties": {
        "local_tenant": types.project_id,
        "remote_site": types.reference,
        "remote_tenant": types.project_id,
        "description": types.description,
    },
    "required": ["local_tenant", "remote_site", "remote_tenant"],
    "additionalProperties": False,
}

update = {
    "type": "object",
    "properties": {"remote_tenant": types.project_id, "description": types.description},
    "minProperties": 1,
    "additionalProperties": False,
}

list_query = types.query(local_tenant=types.project_id, remote_site=types.reference)
