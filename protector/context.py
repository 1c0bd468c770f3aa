"""The request context: who is calling, and the DB session of the request."""

from typing import Any

from oslo_context import context
from oslo_db.sqlalchemy import enginefacade


@enginefacade.transaction_context_provider
class RequestContext(context.RequestContext):
    """oslo.context's context, usable as an enginefacade transaction holder."""

    def __init__(self, is_admin: bool | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # is_admin follows the policy's context_is_admin rule when not given.
        if is_admin is None:
            from protector import policy
            is_admin = policy.check_is_admin(self)
        self.is_admin = is_admin

    def to_policy_values(self) -> dict[str, Any]:
        values = super().to_policy_values()
        values["is_admin"] = self.is_admin
        return values

    def elevated(self) -> "RequestContext":
        ctx = self.__class__.from_dict(self.to_dict())
        ctx.is_admin = True
        if "admin" not in ctx.roles:
            ctx.roles.append("admin")
        return ctx


def get_admin_context() -> RequestContext:
    """A context for the services' own work (engine start-up, manage)."""
    return RequestContext(is_admin=True, user_id=None, project_id=None,
                          overwrite=False)
