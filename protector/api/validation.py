"""Request validation: JSON schema per microversion, declared on handlers.

    @validation.body(schemas.create)
    @validation.body(schemas.create_v1_1, min_version=V1_1_MAPPINGS_BOOT_ORDER)
    def create(req, project_id, body): ...

    @validation.query(schemas.list_query)
    def index(req, project_id, query): ...

The decorators only declare; the router validates before it calls the
handler. The newest body schema whose min_version the request meets
applies. The same declarations feed the OpenAPI document.
"""

from collections.abc import Callable
from typing import Any

import jsonschema

from protector import exception
from protector.api import microversions

_Validator = jsonschema.Draft202012Validator
_FORMATS = jsonschema.FormatChecker()


def check(schema: dict[str, Any], data: Any) -> None:
    """Raise Invalid (400) naming the most relevant problem in ``data``."""
    errors = sorted(_Validator(schema, format_checker=_FORMATS).iter_errors(data),
                    key=lambda e: (list(map(str, e.absolute_path)), e.message))
    if errors:
        raise exception.Invalid(reason="; ".join(_describe(e) for e in errors[:5]))


def _describe(error: jsonschema.ValidationError) -> str:
    where = "/".join(str(p) for p in error.absolute_path)
    message = error.message.replace(" were unexpected", " are not allowed") \
        .replace(" was unexpected", " is not allowed")
    if len(message) > 300:  # long enum/pattern dumps help nobody
        message = message[:300] + "..."
    return f"'{where}': {message}" if where else message


def body(schema: dict[str, Any],
         min_version: microversions.APIVersion = microversions.MIN_VERSION,
         required: bool = True) -> Callable:
    """``required=False``: an empty body is taken as ``{}``."""
    def decorator(func: Callable) -> Callable:
        func.__dict__.setdefault("body_schemas", []).append((min_version, schema))
        func.body_required = required  # type: ignore[attr-defined]
        return func
    return decorator


def query(schema: dict[str, Any]) -> Callable:
    def decorator(func: Callable) -> Callable:
        func.query_schema = schema  # type: ignore[attr-defined]
        return func
    return decorator


def body_schema_for(handler: Callable, version: microversions.APIVersion
                    ) -> dict[str, Any] | None:
    chosen: tuple[microversions.APIVersion, dict] | None = None
    for min_version, schema in getattr(handler, "body_schemas", []):
        if version >= min_version and (chosen is None or min_version >= chosen[0]):
            chosen = (min_version, schema)
    return chosen[1] if chosen else None


def parse_query(schema: dict[str, Any], multidict: Any) -> dict[str, Any]:
    """Query parameters as a dict, typed as the schema says, then validated."""
    params: dict[str, Any] = {}
    for key in multidict.keys():
        values = multidict.getall(key)
        if len(values) > 1:
            raise exception.Invalid(reason=f"query parameter '{key}' is given more "
                                           "than once")
        params[key] = _coerce(schema.get("properties", {}).get(key, {}), values[0])
    check(schema, params)
    return params


def _coerce(prop: dict[str, Any], value: str) -> Any:
    kind = prop.get("type")
    if kind == "integer":
        try:
            return int(value)
        except ValueError:
            return value
    if kind == "boolean" and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value
