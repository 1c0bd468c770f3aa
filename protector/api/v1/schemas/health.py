"""Health query schema (microversion 1.2)."""

from protector.api.v1.schemas import parameter_types as types

show_query = types.query(protection_group_id=types.uuid)
