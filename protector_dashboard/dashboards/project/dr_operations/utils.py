"""What the operation pages derive from the API's records: display strings,
the RTO, the live-progress payload, and tolerant renderings of the
``result.left_behind`` / ``result.leftovers`` maps."""

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from protector_dashboard import common
from protector_dashboard.api import peers, protector
from protector_dashboard.common import duration, parse_time, when

FINAL = ("completed", "failed", "rolled_back")
# A peer site's operation has the row id "<operation id>@<site>", so the
# table's AJAX row update knows where to ask (operation ids are UUIDs).
SITE_SEP = "@"
PG_ROW = _("protection group")  # a timeline step of no single member

STATUS_CLASSES = {"completed": "label-success", "failed": "label-danger",
                  "rolled_back": "label-warning", "rolling_back": "label-warning"}
OUTCOME_CLASSES = {"running": "info op-step-running", "failure": "danger",
                   "reverted": "warning", "interrupted": "warning"}


def local_site_name(request: Any) -> str:
    """The name of the site Horizon is logged in to, for the Site column."""
    name = peers.local_name(request)
    if name:
        return name
    try:
        name = next((s["name"] for s in protector.site_names(request) if s.get("local")), None)
    except Exception:
        name = None  # the list still shows; only the site's name is unknown
    return name or str(_("this site"))


class Operation(common.Record):
    """An operation record plus what the table shows (``pg_name``, ``site``)."""


def rto_seconds(op: dict[str, Any]) -> float | None:
    """completed_at - started_at, when both exist."""
    started, completed = parse_time(op.get("started_at")), parse_time(op.get("completed_at"))
    if started is None or completed is None:
        return None
    return (completed - started).total_seconds()


def rto(op: dict[str, Any]) -> str:
    return duration(rto_seconds(op))


def type_label(op: dict[str, Any]) -> str:
    """'failover (unplanned)': the type with its failover_type, if any."""
    kind = op.get("operation_type") or "-"
    return f"{kind} ({op['failover_type']})" if op.get("failover_type") else kind


def progress_percent(op: dict[str, Any]) -> int:
    try:
        return max(0, min(100, int(op.get("progress") or 0)))
    except (TypeError, ValueError):
        return 0


def is_final(op: dict[str, Any]) -> bool:
    return op.get("status") in FINAL


def status_class(op: dict[str, Any]) -> str:
    if op.get("status") == "completed" and op.get("error_message"):
        return "label-warning"  # a partial failover: completed, members left behind
    return STATUS_CLASSES.get(op.get("status") or "", "label-info")


def site_query(site: str | None) -> str:
    return "?" + urlencode({"site": site}) if site else ""


def url(name: str, operation_id: str, site: str | None = None) -> str:
    return reverse(f"horizon:project:dr_operations:{name}",
                   args=(operation_id,)) + site_query(site)


def row_id(op: dict[str, Any]) -> str:
    return op["id"] + (SITE_SEP + op["peer"] if op.get("peer") else "")


def split_row_id(obj_id: str) -> tuple[str, str | None]:
    op_id, _sep, site = obj_id.partition(SITE_SEP)
    return op_id, site or None


def describe(value: Any) -> str:
    """Any JSON value as one line: dicts as 'key: value; ...'."""
    if value is None:
        return "-"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {describe(v)}" for k, v in value.items()) or "-"
    if isinstance(value, list | tuple):
        return ", ".join(describe(v) for v in value) or "-"
    return str(value)


def _entry_text(value: Any) -> str:
    # A leftover is {"error": ..., "detail": ...}: the error first, then the rest.
    if isinstance(value, dict) and "error" in value:
        rest = {k: v for k, v in value.items() if k != "error" and v not in (None, "", [], {})}
        text = str(value["error"])
        return f"{text} ({describe(rest)})" if rest else text
    return describe(value)


def entries(value: Any, names: dict[str, str] | None = None) -> list[dict[str, str]]:
    """``left_behind`` (member id -> why) or ``leftovers`` (kind -> error and
    detail) as a list of {"name", "text"}; unknown shapes shown as they are."""
    names = names or {}
    if not value:
        return []
    if isinstance(value, dict):
        return [{"name": str(names.get(key, key)), "text": _entry_text(item)}
                for key, item in sorted(value.items(), key=lambda kv: str(kv[0]))]
    if isinstance(value, list | tuple):
        return [{"name": "", "text": _entry_text(item)} for item in value]
    return [{"name": "", "text": str(value)}]


def member_names(data: dict[str, Any]) -> dict[str, str]:
    return {m["id"]: m.get("name") or m["id"] for m in data.get("members") or []
            if isinstance(m, dict) and m.get("id")}


def timeline(data: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per step attempt, with display strings and the row's class."""
    rows = []
    for step in data.get("timeline") or []:
        if not isinstance(step, dict):
            continue
        outcome = step.get("outcome") or ""
        rows.append({
            "member": str(step.get("member") or PG_ROW), "step": step.get("step") or "",
            "outcome": outcome, "started_at": step.get("started_at"),
            "finished_at": step.get("finished_at"), "started": when(step.get("started_at")),
            "finished": when(step.get("finished_at")), "error": step.get("error") or "",
            "row_class": OUTCOME_CLASSES.get(outcome, ""),
        })
    return rows


def recovery_point(data: dict[str, Any]) -> dict[str, str] | None:
    """The point used, when it was taken and its age when the operation began."""
    point = data.get("recovery_point")
    if not isinstance(point, dict) or not point.get("name"):
        return None
    created = parse_time(point.get("created"))
    started = parse_time((data.get("operation") or {}).get("started_at"))
    age = (started - created).total_seconds() if created and started else None
    return {"name": str(point["name"]), "created": when(point.get("created")),
            "age": duration(age) if age is not None else "-"}


def recovery_point_text(data: dict[str, Any]) -> str:
    point = recovery_point(data)
    if point is None:
        return "-"
    return str(_("%(name)s (taken %(created)s; %(age)s old when the operation began)")
               % point)


def progress(data: dict[str, Any]) -> dict[str, Any]:
    """What the detail page shows and operation_progress.js updates in place."""
    op = data.get("operation") or {}
    result = op.get("result") if isinstance(op.get("result"), dict) else {}
    return {
        "status": op.get("status") or "", "status_class": status_class(op),
        "progress": progress_percent(op), "current_step": op.get("current_step") or "",
        "error_message": op.get("error_message") or "", "final": is_final(op),
        "started": when(op.get("started_at")), "completed": when(op.get("completed_at")),
        "rto": rto(op), "recovery_point": recovery_point_text(data),
        "timeline": timeline(data), "members": data.get("members") or [],
        "left_behind": entries(result.get("left_behind"), member_names(data)),
        "leftovers": entries(result.get("leftovers")),
    }
