"""Helpers the v1 handlers share: paging and list envelopes."""

from typing import Any
from urllib import parse

from protector.conf import CONF


def page(query: dict[str, Any]) -> dict[str, Any]:
    """limit/marker for the DB layer: the limit asked for, else [api]
    default_limit, capped at [api] max_limit."""
    limit = min(query.get("limit") or CONF.api.default_limit, CONF.api.max_limit)
    return {"limit": limit, "marker": query.get("marker")}


def collection(req: Any, key: str, items: list[dict[str, Any]], limit: int,
               id_key: str = "id") -> dict[str, Any]:
    """``{key: items}`` plus a next link when the page is full; the marker
    is the last item's ``id_key``."""
    body: dict[str, Any] = {key: items}
    if items and len(items) >= limit:
        params = {k: v for k, v in req.GET.items() if k != "marker"}
        params["marker"] = items[-1][id_key]
        body[f"{key}_links"] = [{"rel": "next",
                                 "href": f"{req.path_url}?{parse.urlencode(params)}"}]
    return body


def iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
