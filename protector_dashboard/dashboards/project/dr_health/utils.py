"""Red/amber/green of a protection group's health entry (GET /health, 1.2)."""

from typing import Any

from django.utils.translation import gettext_lazy as _

GREEN, AMBER, RED = "green", "amber", "red"
# Ready, but the newest point is older than this share of the RPO: the
# next missed replication breaks it.
AMBER_LAG_FRACTION = 0.75
LEGEND = (
    (GREEN, _("within the RPO and ready to fail over")),
    (AMBER, _("ready, but the recovery point is older than 75% of the RPO, or its "
              "compliance is unknown (no recovery point yet)")),
    (RED, _("outside the RPO or not ready to fail over (see the blockers)")),
)


def rag(entry: dict[str, Any]) -> str:
    """green: compliant and ready; amber: ready but lag > 75% of the RPO or
    compliance unknown; red: not compliant or not ready."""
    compliant, ready = entry.get("rpo_compliant"), entry.get("failover_ready")
    if compliant is False or ready is not True:
        return RED
    if compliant is None:
        return AMBER
    lag, rpo = entry.get("replication_lag_seconds"), entry.get("rpo_minutes")
    if lag is not None and rpo and lag > AMBER_LAG_FRACTION * rpo * 60:
        return AMBER
    return GREEN
