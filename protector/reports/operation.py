"""One DR operation as a self-contained HTML page: what ran, where to, how
long it took (RTO), how old the data it brought up was (RPO), and a Gantt
chart of the engine's steps.

The page loads nothing: the styles are inline and the chart is SVG drawn
here, so it can be attached to a ticket or opened on a jump host without
network. Only the standard library is used, and every value that came from
a user or a cloud goes through :func:`html.escape`.

``data`` is what the API assembles (see :func:`render`); any key may be
missing or None, and a malformed timestamp only blanks its own cell.
"""

from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

PG_ROW = "protection group"
# (css class, step-name prefix, legend label); a step matching none is "other".
PHASES = (("copy", "copy volumes of", "Copy volumes"),
          ("manage", "manage volumes of", "Manage volumes"),
          ("boot", "boot", "Boot servers"))
OUTCOMES = ("success", "failure", "reverted", "running")
_NICE_STEPS = (0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800,
               3600, 7200, 10800, 21600, 43200, 86400)

# Chart geometry, in px. Rows shrink when there are many, so 500 members
# stay a (long) chart rather than a wall of labels.
LABEL_W, PLOT_W, PAD_R, AXIS_H = 190, 840, 24, 30
LANE_H, LANE_H_DENSE, DENSE_ROWS = 26, 14, 30
MIN_BAR_W = 2.0  # a 0.1 s check in a 20 min failover must still be visible


# -- figures ---------------------------------------------------------------------------
def parse_time(value: Any) -> datetime | None:
    """An aware UTC datetime from ISO 8601 (naive means UTC); None if missing or bad."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and value.strip():
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _operation(data: dict) -> dict:
    return data.get("operation") or {}


def _entries(data: dict) -> list[dict]:
    return [e for e in data.get("timeline") or [] if isinstance(e, dict)]


def start_time(data: dict) -> datetime | None:
    """When the operation started: its ``started_at``, else its first step's start."""
    started = parse_time(_operation(data).get("started_at"))
    if started is not None:
        return started
    starts = [t for e in _entries(data) if (t := parse_time(e.get("started_at")))]
    return min(starts, default=None)


def rto_is_final(data: dict) -> bool:
    """Whether :func:`rto_seconds` is the whole operation, not the time "so far"."""
    return parse_time(_operation(data).get("completed_at")) is not None


def rto_seconds(data: dict) -> float | None:
    """``completed_at - started_at``; before completion, the time up to the last
    finished step. None when there is no start or nothing has finished."""
    start = start_time(data)
    end = parse_time(_operation(data).get("completed_at"))
    if end is None:
        ends = [t for e in _entries(data) if (t := parse_time(e.get("finished_at")))]
        end = max(ends, default=None)
    if start is None or end is None:
        return None
    return max(0.0, (end - start).total_seconds())


def rpo_seconds(data: dict) -> float | None:
    """The achieved RPO: the age of the recovery point used when the operation
    started. Floored at 0 because a planned failover cuts its own point
    ("replicate now") after it has started: nothing was lost."""
    point = data.get("recovery_point") or {}
    created, start = parse_time(point.get("created")), start_time(data)
    if created is None or start is None:
        return None
    return max(0.0, (start - created).total_seconds())


def format_duration(seconds: float | None) -> str:
    """``"0.4 s"``, ``"42 s"``, ``"3 min 10 s"``, ``"2 h 5 min"``, ``"1 d 3 h"``; "–" for None."""
    if seconds is None or math.isnan(seconds):
        return "–"
    seconds = max(0.0, seconds)
    if seconds < 9.95 and round(seconds, 1) != round(seconds):
        return f"{seconds:.1f} s"
    total = round(seconds)
    if total < 60:
        return f"{total} s"

    def pair(big: int, big_unit: str, small: int, small_unit: str) -> str:
        return f"{big} {big_unit} {small} {small_unit}" if small else f"{big} {big_unit}"

    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return pair(minutes, "min", secs, "s")
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return pair(hours, "h", minutes, "min")
    days, hours = divmod(hours, 24)
    return pair(days, "d", hours, "h")


def phase_of(step: str) -> str:
    """The chart colour of a step, from its name ("revert copy volumes of db" is a copy)."""
    name = step.removeprefix("revert ")
    return next((css for css, prefix, _ in PHASES if name.startswith(prefix)), "other")


# -- the steps, relative to the start --------------------------------------------------
@dataclass(frozen=True)
class Step:
    name: str
    member: str | None
    start: float | None  # seconds from the operation start
    end: float | None  # None while running (or unreadable)
    outcome: str
    error: str | None

    @property
    def duration(self) -> float | None:
        if self.start is None or self.end is None:
            return None
        return max(0.0, self.end - self.start)


def _offset(value: Any, origin: datetime | None) -> float | None:
    moment = parse_time(value)
    if moment is None or origin is None:
        return None
    return (moment - origin).total_seconds()


def steps(data: dict) -> list[Step]:
    origin = start_time(data)
    result = []
    for entry in _entries(data):
        outcome = str(entry.get("outcome") or "running")
        result.append(Step(
            name=str(entry.get("step") or "?"),
            member=None if entry.get("member") is None else str(entry["member"]),
            start=_offset(entry.get("started_at"), origin),
            end=_offset(entry.get("finished_at"), origin),
            outcome=outcome if outcome in OUTCOMES else "running",
            error=None if entry.get("error") is None else str(entry["error"])))
    return result


# -- HTML helpers ----------------------------------------------------------------------
def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _when(value: Any) -> str:
    moment = parse_time(value)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC") if moment else "–"


def _offset_label(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    return ("−" if seconds < 0 else "+") + format_duration(abs(seconds))


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _title_of(op: dict, pg_name: str) -> str:
    kind = str(op.get("operation_type") or "operation").replace("_", " ")
    if op.get("failover_type"):
        kind = f"{op['failover_type']} {kind}"
    return f"{kind[:1].upper()}{kind[1:]} · {pg_name}"


# -- the Gantt chart -------------------------------------------------------------------
@dataclass
class _Row:
    label: str
    steps: list[Step]
    pg: bool  # a step of the whole PG, not of one member

    @property
    def lanes(self) -> list[list[Step]]:
        """Steps that overlap in time (a retried attempt, say) get lanes of their own."""
        lanes: list[list[Step]] = []
        ends: list[float] = []
        for step in sorted(self.steps, key=lambda s: s.start or 0.0):
            end = step.end if step.end is not None else math.inf
            free = next((i for i, e in enumerate(ends) if (step.start or 0.0) >= e), None)
            if free is None:
                lanes.append([step])
                ends.append(end)
            else:
                lanes[free].append(step)
                ends[free] = end
        return lanes or [[]]


def _rows(data: dict, all_steps: list[Step]) -> list[_Row]:
    """Top to bottom: the PG's own steps that ran before any member's (checks,
    replicate now), the members in boot order, then the PG's later steps
    (switch primary). A PG step gets a row of its own, labelled by its name."""
    timed = [s for s in all_steps if s.start is not None]
    pg_rows: dict[str, _Row] = {}
    member_rows: dict[str, _Row] = {}
    members = [m for m in data.get("members") or [] if isinstance(m, dict)]
    members.sort(key=lambda m: (m.get("boot_order") is None, m.get("boot_order") or 0))
    for member in members:
        name = str(member.get("name") or member.get("id") or "?")
        member_rows.setdefault(name, _Row(name, [], pg=False))
    for step in timed:
        if step.member is None:
            pg_rows.setdefault(step.name, _Row(step.name, [], pg=True)).steps.append(step)
        else:
            member_rows.setdefault(step.member, _Row(step.member, [], pg=False)).steps.append(
                step)
    first_member = min((s.start or 0.0 for s in timed if s.member is not None),
                       default=math.inf)
    before = [r for r in pg_rows.values() if min(s.start or 0.0 for s in r.steps) <= first_member]
    after = [r for r in pg_rows.values() if r not in before]
    return before + list(member_rows.values()) + after


def _tick_step(span: float) -> float:
    return next((s for s in _NICE_STEPS if span / s <= 10), _NICE_STEPS[-1])


def _tick_label(t: float, step: float) -> str:
    if step < 1:
        return f"{t:.1f} s"
    if step < 60:
        return f"{t:.0f} s"
    if step < 3600:
        return f"{t / 60:.0f} min"
    return f"{t / 3600:.0f} h"


def _bar_title(step: Step, now: float) -> str:
    lines = [step.name]
    if step.member:
        lines.append(f"member: {step.member}")
    duration = format_duration(step.duration) if step.end is not None else (
        f"{format_duration(now - (step.start or 0.0))} so far")
    lines.append(f"start {_offset_label(step.start)} · duration {duration} · {step.outcome}")
    if step.error:
        lines.append(f"error: {step.error}")
    return "\n".join(lines)


def _hatches() -> str:
    """One stripe pattern per phase, so adjacent reverted steps stay apart."""
    return "<defs>" + "".join(
        f'<pattern id="hatch-{css}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" class="hatch-bg"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" class="hatch-{css}"/></pattern>'
        for css in [p[0] for p in PHASES] + ["other"]) + "</defs>"


def gantt_svg(data: dict, all_steps: list[Step]) -> str:
    """The ``<svg id="timeline">``: a row per member and per PG step, a
    ``rect.bar`` per step attempt carrying ``data-step`` and a ``<title>`` tooltip."""
    rows = _rows(data, all_steps)
    lanes_of = [row.lanes for row in rows]
    timed = [s for s in all_steps if s.start is not None]
    known = [0.0, *(s.start for s in timed), *(s.end for s in timed if s.end is not None)]
    now = max(known)
    generated = _offset(data.get("generated_at"), start_time(data))
    if generated is not None and any(s.end is None for s in timed):
        now = max(now, generated)  # a running step's bar reaches the report's time
    end_mark = rto_seconds(data) if rto_is_final(data) else None
    lo = min(known)
    hi = max(now, end_mark or 0.0, lo + 1.0)
    span = hi - lo
    tick = _tick_step(span)
    lane_h = LANE_H if len(rows) <= DENSE_ROWS else LANE_H_DENSE
    bar_h = lane_h - (8 if lane_h == LANE_H else 4)
    rows_h = sum(len(lanes) for lanes in lanes_of) * lane_h
    width, height = LABEL_W + PLOT_W + PAD_R, AXIS_H + rows_h + AXIS_H

    def x(t: float) -> float:
        return LABEL_W + (t - lo) / span * PLOT_W

    dense = ' class="dense"' if lane_h == LANE_H_DENSE else ""
    out = [f'<svg id="timeline"{dense} role="img" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" aria-label="Gantt chart of the operation steps">',
           _hatches()]
    y = AXIS_H
    for index, (row, lanes) in enumerate(zip(rows, lanes_of, strict=True)):
        row_h = len(lanes) * lane_h
        if index % 2:
            out.append(f'<rect class="stripe" x="0" y="{y}" width="{width}" height="{row_h}"/>')
        out.append(f'<text class="row-label{" pg" if row.pg else ""}" x="{LABEL_W - 12}" '
                   f'y="{y + lane_h / 2}" text-anchor="end" dominant-baseline="central">'
                   f'<title>{_e(row.label)}</title>{_e(_truncate(row.label, 26))}</text>')
        y += row_h
    # The grid goes under the bars; tick labels above and below them.
    for n in range(math.ceil(lo / tick), math.floor(hi / tick + 1e-9) + 1):
        t, tx = n * tick, x(n * tick)
        out.append(f'<line class="grid{" zero" if n == 0 else ""}" x1="{tx:.1f}" '
                   f'y1="{AXIS_H - 4}" x2="{tx:.1f}" y2="{AXIS_H + rows_h + 4}"/>')
        for ty in (AXIS_H - 10, AXIS_H + rows_h + 20):
            out.append(f'<text class="tick" x="{tx:.1f}" y="{ty}" '
                       f'text-anchor="middle">{_tick_label(t, tick)}</text>')
    if end_mark is not None:
        ex = x(end_mark)
        out.append(f'<line class="end-mark" x1="{ex:.1f}" y1="{AXIS_H - 4}" x2="{ex:.1f}" '
                   f'y2="{AXIS_H + rows_h + 4}"/>')
    y = AXIS_H
    for lanes in lanes_of:
        for lane in lanes:
            for step in lane:
                out.extend(_bar(step, x, y + (lane_h - bar_h) / 2, bar_h, now))
            y += lane_h
    out.append("</svg>")
    return "\n".join(out)


def _bar(step: Step, x: Any, y: float, bar_h: int, now: float) -> list[str]:
    x0 = x(step.start or 0.0)
    w = max(MIN_BAR_W, x(step.end if step.end is not None else now) - x0)
    out = [f'<rect class="bar phase-{phase_of(step.name)} outcome-{step.outcome}" '
           f'x="{x0:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" rx="2" '
           f'data-step="{_e(step.name)}"><title>{_e(_bar_title(step, now))}</title></rect>']
    label = format_duration(step.duration)
    # The duration inside the bar when it fits; the tooltip has the rest.
    if step.outcome in ("success", "failure") and bar_h >= 14 and w >= 6.5 * len(label) + 10:
        out.append(f'<text class="bar-label" x="{x0 + 6:.1f}" y="{y + bar_h / 2}" '
                   f'dominant-baseline="central">{label}</text>')
    return out


def _legend() -> str:
    items = [(f"phase-{css}", label) for css, _, label in PHASES]
    items += [("phase-other", "Other steps"), ("outcome-failure", "Failed"),
              ("outcome-reverted", "Reverted"), ("outcome-running", "Running"),
              ("end-mark", "End of operation")]
    return '<ul class="legend">' + "".join(
        f'<li><span class="swatch {css}"></span>{label}</li>' for css, label in items) + "</ul>"


# -- the page --------------------------------------------------------------------------
def _figures(data: dict, op: dict) -> str:
    rto = rto_seconds(data)
    final = rto_is_final(data)
    if rto is None:
        rto_note = "no step has finished yet"
    elif final:
        rto_note = "completed_at − started_at"
    else:
        rto_note = "until the last finished step"
    so_far = "" if final or rto is None else ' <span class="tag">so far</span>'
    point = data.get("recovery_point") or {}
    point_html = (f'<div class="value small">{_e(point.get("name"))}</div>'
                  f'<div class="note">created {_when(point.get("created"))}</div>'
                  + (f'<div class="note bad" id="rpo-warning">{_e(point["warning"])}</div>'
                     if point.get("warning") else "")
                  if point.get("name") else
                  '<div class="value small">–</div><div class="note">none recorded</div>')
    completed = len(op.get("steps_completed") or [])
    failed = len(op.get("steps_failed") or [])
    return (
        '<section class="figures">'
        f'<div class="figure"><div class="label">RTO</div>'
        f'<div class="value" id="rto">{format_duration(rto)}{so_far}</div>'
        f'<div class="note">{rto_note}</div></div>'
        f'<div class="figure"><div class="label">Recovery point</div>{point_html}</div>'
        f'<div class="figure"><div class="label">RPO achieved</div>'
        f'<div class="value" id="rpo">{format_duration(rpo_seconds(data))}</div>'
        f'<div class="note">age of the recovery point at the start</div></div>'
        f'<div class="figure"><div class="label">Steps</div>'
        f'<div class="value"><span class="ok">{completed}</span>'
        f'<span class="sep"> / </span><span class="{"bad" if failed else "muted"}">'
        f'{failed}</span></div><div class="note">completed / failed</div></div>'
        '</section>')


def _header(data: dict, op: dict) -> str:
    pg = data.get("protection_group") or {}
    pg_name = str(pg.get("name") or pg.get("id") or "?")
    status = str(op.get("status") or "unknown")
    source, target = data.get("source_site") or "?", data.get("target_site") or "?"
    progress = ""
    if status in ("running", "pending"):
        current = op.get("current_step")
        progress = (f'<p class="progress">{_e(op.get("progress") or 0)} %'
                    + (f" · now: {_e(current)}" if current else "") + "</p>")
    return (
        '<header><div class="eyebrow">Protector · DR operation report</div>'
        f'<div class="title-row"><h1>{_e(_title_of(op, pg_name))}</h1>'
        f'<span class="badge status-{_e(status)}">{_e(status.replace("_", " "))}</span></div>'
        f'<p class="route">{_e(source)} <span class="arrow">→</span> {_e(target)}</p>'
        f'{progress}<dl class="meta">'
        f'<div><dt>Operation</dt><dd><code>{_e(op.get("id") or "?")}</code></dd></div>'
        f'<div><dt>Protection group</dt><dd><code>{_e(pg.get("id") or "?")}</code></dd></div>'
        f'<div><dt>Started</dt><dd>{_when(op.get("started_at"))}</dd></div>'
        f'<div><dt>Completed</dt><dd>{_when(op.get("completed_at"))}</dd></div>'
        '</dl></header>')


def _table(all_steps: list[Step]) -> str:
    if not all_steps:
        return '<p class="muted">No steps recorded.</p>'
    rows = "".join(
        f'<tr><td>{_e(s.name)}</td><td>{_e(s.member or "–")}</td>'
        f'<td class="num">{_offset_label(s.start)}</td>'
        f'<td class="num">{format_duration(s.duration)}</td>'
        f'<td><span class="pill outcome-{s.outcome}">{s.outcome}</span></td>'
        f'<td class="error">{_e(s.error or "")}</td></tr>' for s in all_steps)
    return ('<table class="steps"><thead><tr><th>Step</th><th>Member</th>'
            '<th class="num">Start</th><th class="num">Duration</th><th>Outcome</th>'
            f'<th>Error</th></tr></thead><tbody>{rows}</tbody></table>')


def _errors(op: dict) -> str:
    items = []
    if op.get("error_message"):
        items.append(f'<li><strong>Operation</strong><pre>{_e(op["error_message"])}</pre></li>')
    for failed in op.get("steps_failed") or []:
        failed = failed if isinstance(failed, dict) else {"step": failed}
        items.append(f'<li><strong>{_e(failed.get("step") or "?")}</strong>'
                     f'<pre>{_e(failed.get("error") or "")}</pre></li>')
    if not items:
        return ""
    return f'<section id="errors"><h2>Errors</h2><ul class="errors">{"".join(items)}</ul></section>'


def _parameters(op: dict) -> str:
    if not op.get("parameters"):
        return ""
    text = json.dumps(op["parameters"], indent=2, sort_keys=True, default=str)
    return f'<details><summary>Parameters</summary><pre>{_e(text)}</pre></details>'


def render(data: dict) -> str:
    """The whole report of one operation as one HTML document (no external resource).

    ``data``: ``generated_at``, ``operation`` (as the API shows it),
    ``protection_group`` (id, name), ``source_site``, ``target_site``,
    ``recovery_point`` (name, created), ``members`` (id, name, boot_order) and
    ``timeline``: one ``{step, member, started_at, finished_at, outcome, error}``
    per engine step attempt, in start order.
    """
    op = _operation(data)
    all_steps = steps(data)
    pg = data.get("protection_group") or {}
    page_title = _title_of(op, str(pg.get("name") or pg.get("id") or "?"))
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(page_title)} – protector report</title>", f"<style>{CSS}</style>",
        "</head>", "<body><main>", _header(data, op), _figures(data, op),
        '<section id="gantt"><div class="section-head"><h2>Timeline</h2>'
        f'{_legend()}</div><div class="chart">{gantt_svg(data, all_steps)}</div></section>',
        _errors(op),
        f'<section id="steps"><h2>Steps</h2>{_table(all_steps)}</section>',
        _parameters(op),
        f'<footer>Generated {_when(data.get("generated_at"))} by protector</footer>',
        "</main></body>", "</html>", ""])


CSS = """
:root { --fg: #0f172a; --muted: #64748b; --line: #e2e8f0; --bg: #f6f7f9; --card: #fff;
  --copy: #3b82f6; --manage: #8b5cf6; --boot: #10b981; --other: #94a3b8;
  --fail: #dc2626; --revert: #9ca3af; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans",
  "DejaVu Sans", Arial, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 32px 24px 56px; }
code, pre { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo,
  Consolas, monospace; font-size: 12.5px; }
h1 { font-size: 26px; line-height: 1.2; margin: 0; font-weight: 700; }
h2 { font-size: 15px; margin: 0; font-weight: 650; letter-spacing: .01em; }
section { margin-top: 28px; }
.eyebrow { color: var(--muted); font-size: 12px; text-transform: uppercase;
  letter-spacing: .08em; margin-bottom: 6px; }
.title-row { display: flex; align-items: center; gap: 14px; flex-wrap: wrap; }
.route { margin: 6px 0 0; font-size: 16px; }
.arrow { color: var(--muted); padding: 0 4px; }
.progress { margin: 6px 0 0; color: var(--muted); }
.meta { display: flex; flex-wrap: wrap; gap: 6px 28px; margin: 16px 0 0; }
.meta dt { color: var(--muted); font-size: 11px; text-transform: uppercase;
  letter-spacing: .06em; }
.meta dd { margin: 0; }
.badge { display: inline-block; padding: 3px 12px; border-radius: 999px; font-size: 12px;
  font-weight: 650; text-transform: uppercase; letter-spacing: .05em;
  background: #e2e8f0; color: #334155; }
.status-completed { background: #dcfce7; color: #166534; }
.status-failed, .status-error { background: #fee2e2; color: #991b1b; }
.status-rolled_back { background: #fef3c7; color: #92400e; }
.status-running { background: #dbeafe; color: #1e40af; }
.figures { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 14px; }
.figure { background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  padding: 14px 18px; }
.figure .label { color: var(--muted); font-size: 11px; text-transform: uppercase;
  letter-spacing: .07em; }
.figure .value { font-size: 28px; font-weight: 700; margin: 2px 0;
  font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.figure .value.small { font-size: 18px; line-height: 1.6; }
.figure .note { color: var(--muted); font-size: 12px; }
.tag { font-size: 12px; font-weight: 600; color: #1e40af; background: #dbeafe;
  border-radius: 4px; padding: 1px 6px; vertical-align: middle; }
.ok { color: #166534; } .bad { color: var(--fail); } .muted, .sep { color: var(--muted); }
.section-head { display: flex; align-items: baseline; justify-content: space-between;
  gap: 16px; flex-wrap: wrap; margin-bottom: 10px; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; list-style: none; margin: 0;
  padding: 0; font-size: 12px; color: #334155; }
.legend li { display: flex; align-items: center; gap: 6px; }
.swatch { display: inline-block; width: 14px; height: 10px; border-radius: 2px; }
.swatch.phase-copy { background: var(--copy); } .swatch.phase-manage { background: var(--manage); }
.swatch.phase-boot { background: var(--boot); } .swatch.phase-other { background: var(--other); }
.swatch.outcome-failure { background: var(--fail); }
.swatch.outcome-reverted { background: repeating-linear-gradient(45deg, #d1d5db 0 2px,
  #f3f4f6 2px 4px); outline: 1px solid var(--revert); }
.swatch.outcome-running { background: #bfdbfe; outline: 1px dashed #1d4ed8; }
.swatch.end-mark { width: 0; height: 14px; border-left: 2px dashed #0f172a; border-radius: 0; }
.chart { background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  padding: 8px 0; overflow-x: auto; }
#timeline { display: block; }
#timeline text { font-size: 12px; fill: #334155; }
#timeline.dense .row-label { font-size: 10.5px; }
#timeline .row-label.pg { font-style: italic; fill: var(--muted); }
#timeline .tick { font-size: 11px; fill: var(--muted); font-variant-numeric: tabular-nums; }
#timeline .grid { stroke: #eef1f5; stroke-width: 1; }
#timeline .grid.zero { stroke: #cbd5e1; }
#timeline .stripe { fill: #f8fafc; }
#timeline .end-mark { stroke: #0f172a; stroke-width: 1.5; stroke-dasharray: 4 3; }
.bar { stroke: #fff; stroke-width: 1; }  /* keeps back-to-back steps apart */
#timeline .bar:hover { stroke: #0f172a; stroke-width: 1.5; }
.bar.phase-copy { fill: var(--copy); } .bar.phase-manage { fill: var(--manage); }
.bar.phase-boot { fill: var(--boot); } .bar.phase-other { fill: var(--other); }
.bar.outcome-failure { fill: var(--fail); }
.bar.outcome-reverted { fill: url(#hatch-other); stroke: var(--revert); }
.bar.outcome-reverted.phase-copy { fill: url(#hatch-copy); stroke: var(--copy); }
.bar.outcome-reverted.phase-manage { fill: url(#hatch-manage); stroke: var(--manage); }
.bar.outcome-reverted.phase-boot { fill: url(#hatch-boot); stroke: var(--boot); }
.bar.outcome-running { fill-opacity: .45; stroke: #1d4ed8; stroke-dasharray: 3 2; }
.hatch-bg { fill: #fff; } .hatch-copy { stroke: #93c5fd; stroke-width: 3; }
.hatch-manage { stroke: #c4b5fd; stroke-width: 3; }
.hatch-boot { stroke: #6ee7b7; stroke-width: 3; } .hatch-other { stroke: #cbd5e1; stroke-width: 3; }
#timeline .bar-label { font-size: 11px; fill: #fff; font-weight: 600; pointer-events: none;
  font-variant-numeric: tabular-nums; }
table.steps { width: 100%; border-collapse: collapse; background: var(--card);
  border: 1px solid var(--line); border-radius: 10px; overflow: hidden; font-size: 13px; }
.steps th { text-align: left; font-weight: 600; color: var(--muted); font-size: 11px;
  text-transform: uppercase; letter-spacing: .06em; background: #f8fafc; }
.steps th, .steps td { padding: 7px 12px; border-bottom: 1px solid var(--line);
  vertical-align: top; }
.steps tr:last-child td { border-bottom: 0; }
.steps .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.steps td.error { color: #991b1b; overflow-wrap: anywhere; }
.pill { display: inline-block; padding: 0 8px; border-radius: 999px; font-size: 11.5px;
  font-weight: 600; }
.pill.outcome-success { background: #dcfce7; color: #166534; }
.pill.outcome-failure { background: #fee2e2; color: #991b1b; }
.pill.outcome-reverted { background: #f3f4f6; color: #4b5563; }
.pill.outcome-running { background: #dbeafe; color: #1e40af; }
.errors { list-style: none; padding: 0; margin: 10px 0 0; display: grid; gap: 10px; }
.errors li { background: #fff; border: 1px solid #fecaca; border-left: 4px solid var(--fail);
  border-radius: 8px; padding: 10px 14px; }
.errors pre, details pre { margin: 6px 0 0; white-space: pre-wrap; overflow-wrap: anywhere; }
details { margin-top: 28px; color: var(--muted); }
details pre { color: var(--fg); background: var(--card); border: 1px solid var(--line);
  border-radius: 8px; padding: 10px 14px; }
footer { margin-top: 28px; color: var(--muted); font-size: 12px; }
@media (max-width: 800px) { .figures { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
@media print { body { background: #fff; } .chart { overflow: visible; } }
"""
