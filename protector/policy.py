"""The oslo.policy enforcer and the one call handlers make: ``authorize``."""

import threading
from typing import Any

from oslo_policy import policy

from protector import exception, policies
from protector.conf import CONF

_enforcer: policy.Enforcer | None = None
_lock = threading.Lock()


def get_enforcer() -> policy.Enforcer:
    """The enforcer (also the oslo.policy.enforcer entry point)."""
    global _enforcer
    with _lock:
        if _enforcer is None:
            _enforcer = policy.Enforcer(CONF)
            _enforcer.register_defaults(policies.list_rules())
    return _enforcer


def reset() -> None:
    global _enforcer
    with _lock:
        if _enforcer is not None:
            _enforcer.clear()
        _enforcer = None


def authorize(context: Any, action: str, target: dict[str, Any]) -> None:
    """Raise Forbidden (403) unless ``context`` may do ``action`` on ``target``."""
    try:
        get_enforcer().authorize(action, target, context.to_policy_values(),
                                 do_raise=True, exc=exception.Forbidden, action=action)
    except policy.InvalidScope as exc:
        raise exception.Forbidden(action=action) from exc


def check_is_admin(context: Any) -> bool:
    """Whether the roles of ``context`` satisfy context_is_admin."""
    creds = {"roles": context.roles, "project_id": context.project_id,
             "user_id": context.user_id}
    return get_enforcer().enforce("context_is_admin", {}, creds)
