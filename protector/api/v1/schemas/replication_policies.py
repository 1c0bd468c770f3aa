"""Replication policy request schemas. Tokens are write-only."""

from protector.api.v1.schemas import parameter_types as types

# Ranges follow the FlashArray: retention 60 s .. 400 days.
_properties = {
    "primary_fa_url": types.url,
    "primary_fa_api_token": types.secret,
    "secondary_fa_url": types.url,
    "secondary_fa_api_token": types.secret,
    "pure_pg_name": {"type": "string", "minLength": 1, "maxLength": 63,
                     "pattern": "^[A-Za-z0-9][-A-Za-z0-9]*$"},
    "rpo_minutes": {"type": "integer", "minimum": 1, "maximum": 1440},
    "retention_short_term_seconds": {"type": "integer", "minimum": 60,
                                     "maximum": 34560000},
    "retention_per_day": {"type": "integer", "minimum": 0, "maximum": 1440},
    "retention_days": {"type": "integer", "minimum": 0, "maximum": 4000},
}

create = {
    "type": "object",
    "properties": _properties,
    "required": ["primary_fa_url", "primary_fa_api_token", "secondary_fa_url",
                 "secondary_fa_api_token", "rpo_minutes"],
    "additionalProperties": False,
}

update = {
    "type": "object",
    "properties": _properties,
    "minProperties": 1,
    "additionalProperties": False,
}

DEFAULTS = {"retention_short_term_seconds": 14400, "retention_per_day": 3,
            "retention_days": 7}
