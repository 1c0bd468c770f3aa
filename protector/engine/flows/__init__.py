"""Flow factories, one module per operation type.

taskflow saves the factory's dotted name with the flow, so an engine that
resumes an operation rebuilds the same flow from the same arguments.
"""

from collections.abc import Callable
from importlib import import_module
from typing import Any

from protector import exception, states

FACTORIES = {
    states.OP_TEST_FAILOVER: "protector.engine.flows.test_failover:get_flow",
    states.OP_TEST_CLEANUP: "protector.engine.flows.test_cleanup:get_flow",
    states.OP_FAILOVER: "protector.engine.flows.failover:get_flow",
    states.OP_FAILBACK: "protector.engine.flows.failover:get_flow",
    states.OP_REPROTECT: "protector.engine.flows.reprotect:get_flow",
    states.OP_PROTECT: "protector.engine.flows.protect:get_flow",
    states.OP_UNPROTECT: "protector.engine.flows.unprotect:get_flow",
}


def factory_for(operation_type: str) -> Callable[..., Any]:
    try:
        module, _, name = FACTORIES[operation_type].partition(":")
    except KeyError as exc:
        raise exception.Invalid(reason=f"no flow for operation type {operation_type}") \
            from exc
    return getattr(import_module(module), name)


def settler_for(operation_type: str) -> Callable[..., Any] | None:
    """The flow's own way to settle its PG, if it has one (else the state
    machine's transition for the outcome)."""
    ref = FACTORIES.get(operation_type)
    if ref is None:
        return None
    return getattr(import_module(ref.partition(":")[0]), "settle", None)
