"""/v1/{project_id}/protection-groups/{pg}/policy: arrays, tokens and RPO.

API tokens are encrypted before they reach the database and are masked in
every response.
"""

from typing import Any

from protector import crypto, exception, states
from protector.api import dispatch, validation
from protector.api.v1 import protection_groups as pg_api
from protector.api.v1.schemas import replication_policies as schema
from protector.api.v1.views import replication_policies as view
from protector.db import replication_policies as db
from protector.policies import replication_policies as rules
from protector.sync import service

_TOKENS = ("primary_fa_api_token", "secondary_fa_api_token")


def _values(body: dict[str, Any]) -> dict[str, Any]:
    values = dict(body)
    for field in _TOKENS:
        if field in values:
            values[field + "_encrypted"] = crypto.encrypt(values.pop(field))
    return values


def _editable(pg: Any) -> None:
    if pg.status not in states.PG_EDITABLE:
        raise exception.InvalidState(resource="Protection group", id=pg.name,
                                     state=pg.status,
                                     reason="its policy can change only when it is "
                                            "active or in error")


def show(req: dispatch.Request, project_id: str, pg_id: str) -> Any:
    pg = pg_api.lookup(req, project_id, pg_id, rules.SHOW)
    return dispatch.json_response({"policy": view.show(db.get(req.context, pg.id))})


@validation.body(schema.create)
def create(req: dispatch.Request, project_id: str, pg_id: str, body: dict) -> Any:
    pg = pg_api.lookup(req, project_id, pg_id, rules.CREATE)
    _editable(pg)
    try:
        db.get(req.context, pg.id)
    except exception.ReplicationPolicyNotFound:
        pass
    else:
        raise exception.Conflict(reason=f"protection group {pg.name} already has a "
                                        "policy; change it with PUT (policy set)")
    values = {**schema.DEFAULTS, **_values(body), "project_id": pg.project_id}
    rpolicy, _ = service.modify(req.context, pg, lambda: db.put(req.context, pg.id, values))
    return dispatch.json_response({"policy": view.show(rpolicy)}, status=201)


@validation.body(schema.update)
def update(req: dispatch.Request, project_id: str, pg_id: str, body: dict) -> Any:
    pg = pg_api.lookup(req, project_id, pg_id, rules.CREATE)
    _editable(pg)
    db.get(req.context, pg.id)
    rpolicy, _ = service.modify(req.context, pg,
                                lambda: db.put(req.context, pg.id, _values(body)))
    return dispatch.json_response({"policy": view.show(rpolicy)})


def delete(req: dispatch.Request, project_id: str, pg_id: str) -> Any:
    pg = pg_api.lookup(req, project_id, pg_id, rules.CREATE)
    _editable(pg)
    db.get(req.context, pg.id)
    service.modify(req.context, pg, lambda: db.delete(req.context, pg.id))
    return dispatch.json_response(None, status=204)
