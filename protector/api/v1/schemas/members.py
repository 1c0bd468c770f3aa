"""Member request schemas."""

from protector.api.v1.schemas import parameter_types as types

create = {
    "type": "object",
    "properties": {"instance_id": types.uuid, "instance_name": types.name},
    "required": ["instance_id"],
    "additionalProperties": False,
}
boot_order = {"type": "integer", "minimum": 1, "maximum": 1000}
create_v1_1 = types.with_properties(create, boot_order=boot_order)

update_v1_1 = {
    "type": "object",
    "properties": {"boot_order": boot_order},
    "required": ["boot_order"],
    "additionalProperties": False,
}

list_query = types.query(status={"type": "string", "minLength": 1, "maxLength": 16})
