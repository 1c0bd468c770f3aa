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
}


def factory_for(operation_type: str) -> Callable[..., Any]:
    try:
        module, _, name = FACTORIES[operation_type].partition(":")
    except KeyError as exc:
        raise exception.Invalid(reason=f"no flow for operation type {operation_type}") \
            from exc
    return getattr(import_module(module), name)
