"""Site request schemas."""

from protector.api.v1.schemas import parameter_types as types

SITE_TYPES = ["primary", "secondary"]
INTERFACES = ["public", "internal", "admin"]

_credentials = {
    "service_username": types.short_string,
    "service_password": types.secret,
    "service_project_name": types.short_string,
    "service_user_domain_name": types.short_string,
    "service_project_domain_name": types.short_string,
}

create = {
    "type": "object",
    "properties": {
        "name": types.name,
        "description": types.description,
        "site_type": {"type": "string", "enum": SITE_TYPES},
        "auth_url": types.url,
        "region_name": types.short_string,
        "interface": {"type": "string", "enum": INTERFACES},
        "protector_url": types.url,
        **_credentials,
    },
    "required": ["name", "site_type", "auth_url"],
    "additionalProperties": False,
}

update = {
    "type": "object",
    "properties": {k: v for k, v in create["properties"].items() if k != "site_type"},
    "minProperties": 1,
    "additionalProperties": False,
}

list_query = types.query(name=types.name,
                         site_type={"type": "string", "enum": SITE_TYPES},
                         status={"type": "string", "enum": ["active", "unreachable",
                                                            "error"]})
