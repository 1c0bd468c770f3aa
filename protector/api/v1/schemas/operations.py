"""Operation query schemas (operations are started by the PG action)."""

from protector import states
from protector.api.v1.schemas import parameter_types as types

list_query = types.query(
    protection_group_id=types.uuid,
    operation_type={"type": "string", "enum": list(states.OPERATION_TYPES)},
    status={"type": "string", "enum": list(states.OPERATION_STATES)},
    all_projects={"type": "boolean"})
