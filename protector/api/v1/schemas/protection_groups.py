"""Protection group request schemas."""

from protector import states
from protector.api.v1.schemas import parameter_types as types

REPLICATION_TYPES = ["async", "sync"]

create = {
    "type": "object",
    "properties": {
        "name": types.name,
        "description": types.description,
        "replication_type": {"type": "string", "enum": REPLICATION_TYPES},
        "volume_type": types.name,
        "primary_site": types.reference,
        "secondary_site": types.reference,
    },
    "required": ["name", "replication_type", "volume_type", "primary_site",
                 "secondary_site"],
    "additionalProperties": False,
}
create_v1_1 = types.with_properties(create, network_mapping=types.mapping,
                                    flavor_mapping=types.mapping)

# Fields fixed at creation are accepted by the schema so that the handler
# can say why they cannot change, instead of "additional property".
IMMUTABLE = ("replication_type", "volume_type", "primary_site", "secondary_site")

update = {
    "type": "object",
    "properties": {"name": types.name, "description": types.description,
                   **{field: {} for field in IMMUTABLE}},
    "minProperties": 1,
    "additionalProperties": False,
}
update_v1_1 = types.with_properties(update, network_mapping=types.mapping,
                                    flavor_mapping=types.mapping)

list_query = types.query(name=types.name,
                         status={"type": "string", "enum": list(states.PG_STATES)},
                         all_projects={"type": "boolean"})
