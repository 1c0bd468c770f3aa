"""Schema fragments shared by the resources."""

import copy
from typing import Any

UUID_PATTERN = "^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"

name = {"type": "string", "minLength": 1, "maxLength": 255,
        "pattern": r"^\S(.*\S)?$"}
description = {"type": ["string", "null"], "maxLength": 255}
uuid = {"type": "string", "pattern": UUID_PATTERN}
# Keystone project ids are 32 hex digits by default, but deployments with
# other identity back ends use other shapes; accept the characters they use.
project_id = {"type": "string", "minLength": 1, "maxLength": 64,
              "pattern": "^[A-Za-z0-9_-]+$"}
# A site or protection group given by id or by name.
reference = {"type": "string", "minLength": 1, "maxLength": 255}
url = {"type": "string", "maxLength": 255, "pattern": r"^https?://[^\s/?#]+[^\s]*$"}
short_string = {"type": "string", "minLength": 1, "maxLength": 255}
secret = {"type": "string", "minLength": 1, "maxLength": 4096}
mapping = {"type": "object", "maxProperties": 500,
           "propertyNames": {"minLength": 1, "maxLength": 255},
           "additionalProperties": {"type": "string", "minLength": 1, "maxLength": 255}}

limit = {"type": "integer", "minimum": 1}
marker = {"type": "string", "minLength": 1, "maxLength": 255}
pagination = {"limit": limit, "marker": marker}


def query(**properties: Any) -> dict[str, Any]:
    props = dict(pagination)
    props.update(properties)
    return {"type": "object", "properties": props, "additionalProperties": False}


def with_properties(schema: dict[str, Any], **properties: Any) -> dict[str, Any]:
    """A copy of ``schema`` that accepts more properties (a newer microversion)."""
    new = copy.deepcopy(schema)
    new["properties"].update(properties)
    return new
