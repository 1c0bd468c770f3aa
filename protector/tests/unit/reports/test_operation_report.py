"""The operation report: its figures, and an HTML page that is escaped,
self-contained and has a bar per step."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest

from protector.reports import operation
from protector.reports.operation import format_duration, rpo_seconds, rto_seconds

START = "2026-12-01T21:30:00.250000+00:00"
XSS = "<script>alert(1)</script>"


def _report(**overrides: object) -> dict:
    """A completed planned failover of one member, 2 min 40 s long."""
    data: dict = {
        "generated_at": "2026-12-01T21:40:00.123456+00:00",
        "operation": {
            "id": "op-1", "operation_type": "failover", "failover_type": "planned",
            "status": "completed", "progress": 100, "current_step": None,
            "steps_completed": ["check target site", "copy volumes of db", "boot db"],
            "steps_failed": [], "error_message": None,
            "started_at": START, "completed_at": "2026-12-01T21:32:40.250000+00:00",
            "parameters": {"failover_type": "planned"}},
        "protection_group": {"id": "pg-1", "name": "pg1"},
        "source_site": "site-a", "target_site": "site-b",
        "recovery_point": {"name": "pg1.42", "created": "2026-12-01T21:29:18.250000+00:00"},
        "members": [{"id": "m-1", "name": "db", "boot_order": 1}],
        "timeline": [
            {"step": "check target site", "member": None, "outcome": "success",
             "started_at": START, "finished_at": "2026-12-01T21:30:01.450000+00:00",
             "error": None},
            {"step": "copy volumes of db", "member": "db", "outcome": "success",
             "started_at": "2026-12-01T21:30:01.5+00:00",
             "finished_at": "2026-12-01T21:31:00+00:00", "error": None},
            {"step": "boot db", "member": "db", "outcome": "success",
             "started_at": "2026-12-01T21:31:00+00:00",
             "finished_at": "2026-12-01T21:32:39+00:00", "error": None}]}
    for key, value in overrides.items():
        data[key] = value
    return data


class _Bars(HTMLParser):
    """The data-step of every rect.bar, and every src/href value."""

    def __init__(self) -> None:
        super().__init__()
        self.bars: list[str] = []
        self.links: list[str] = []
        self.svg_ids: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "rect" and "bar" in (values.get("class") or "").split():
            self.bars.append(values.get("data-step") or "")
        if tag == "svg":
            self.svg_ids.append(values.get("id"))
        self.links += [v or "" for k, v in attrs if k in ("src", "href", "xlink:href")]


def _parse(page: str) -> _Bars:
    parser = _Bars()
    parser.feed(page)
    return parser


# -- figures -----------------------------------------------------------------------
@pytest.mark.parametrize(("seconds", "text"), [
    (None, "–"), (0, "0 s"), (0.04, "0 s"), (0.4, "0.4 s"), (4.25, "4.2 s"), (9.96, "10 s"),
    (42, "42 s"), (42.4, "42 s"), (60, "1 min"), (190, "3 min 10 s"), (3600, "1 h"),
    (3600 + 5 * 60 + 7, "1 h 5 min"), (86400 + 3 * 3600, "1 d 3 h"), (-5, "0 s")])
def test_format_duration(seconds: float | None, text: str) -> None:
    assert format_duration(seconds) == text


def test_rto_is_completed_minus_started() -> None:
    data = _report()
    assert rto_seconds(data) == pytest.approx(160.0)
    assert operation.rto_is_final(data)


def test_rto_of_a_running_operation_is_up_to_the_last_finished_step() -> None:
    data = _report()
    data["operation"].update(status="running", completed_at=None)
    data["timeline"][-1].update(finished_at=None, outcome="running")
    assert rto_seconds(data) == pytest.approx(59.75)  # copy volumes of db finished
    assert not operation.rto_is_final(data)
    page = operation.render(data)
    assert "so far" in page
    assert 'outcome-running' in page


def test_rto_without_a_finished_step_or_a_start_is_unknown() -> None:
    data = _report()
    data["operation"].update(completed_at=None)
    for entry in data["timeline"]:
        entry["finished_at"] = None
    assert rto_seconds(data) is None
    assert rto_seconds({}) is None


def test_start_falls_back_to_the_first_step() -> None:
    data = _report()
    data["operation"]["started_at"] = None
    assert rto_seconds(data) == pytest.approx(160.0)
    assert operation.start_time(data) == datetime(2026, 12, 1, 21, 30, 0, 250000, tzinfo=UTC)


def test_rpo_is_the_age_of_the_point_at_the_start() -> None:
    assert rpo_seconds(_report()) == pytest.approx(42.0)
    assert format_duration(rpo_seconds(_report())) == "42 s"


def test_rpo_is_floored_at_zero_for_a_point_cut_after_the_start() -> None:
    data = _report(recovery_point={"name": "pg1.43", "created": "2026-12-01T21:30:39"})
    assert rpo_seconds(data) == 0.0


@pytest.mark.parametrize("point", [None, {}, {"name": "pg1.42", "created": None},
                                   {"name": "pg1.42", "created": "not a date"}])
def test_rpo_without_a_usable_point_is_unknown(point: dict | None) -> None:
    data = _report(recovery_point=point)
    assert rpo_seconds(data) is None
    assert "RPO achieved" in operation.render(data)


def test_a_point_beyond_the_rpo_is_flagged() -> None:
    warning = "recovery point pg1.42 is 3 h 5 min old, beyond the RPO of 15 min; <stopped?>"
    page = operation.render(_report(recovery_point={
        "name": "pg1.42", "created": "2026-12-01T18:25:00+00:00", "warning": warning}))
    assert '<div class="note bad" id="rpo-warning">recovery point pg1.42 is 3 h 5 min old, ' \
           'beyond the RPO of 15 min; &lt;stopped?&gt;</div>' in page
    assert 'id="rpo-warning"' not in operation.render(_report())


def test_naive_timestamps_are_utc() -> None:
    assert operation.parse_time("2026-12-01T21:30:00") == operation.parse_time(
        "2026-12-01T22:30:00+01:00")
    assert operation.parse_time("2026-12-01T21:30:00.5Z").microsecond == 500000


def test_phase_of() -> None:
    assert operation.phase_of("copy volumes of db") == "copy"
    assert operation.phase_of("revert copy volumes of db") == "copy"
    assert operation.phase_of("manage volumes of db") == "manage"
    assert operation.phase_of("boot db") == "boot"
    assert operation.phase_of("switch primary site") == "other"


# -- the page ----------------------------------------------------------------------
def test_page_has_a_bar_per_step() -> None:
    data = _report()
    parsed = _parse(operation.render(data))
    assert parsed.svg_ids == ["timeline"]
    assert sorted(parsed.bars) == sorted(e["step"] for e in data["timeline"])


def test_page_shows_the_figures_and_header() -> None:
    page = operation.render(_report())
    assert "Planned failover · pg1" in page
    assert "status-completed" in page
    assert re.search(r'id="rto">2 min 40 s<', page)
    assert re.search(r'id="rpo">42 s<', page)
    assert "pg1.42" in page and "site-a" in page and "site-b" in page
    assert "op-1" in page
    assert 'id="errors"' not in page  # nothing failed


def test_user_supplied_text_is_escaped() -> None:
    data = _report(members=[{"id": "m-1", "name": XSS, "boot_order": 1}],
                   protection_group={"id": "pg-1", "name": XSS}, source_site=XSS)
    data["timeline"][1].update(step=f"copy volumes of {XSS}", member=XSS,
                               outcome="failure", error=f'"quoted" {XSS}')
    data["operation"].update(status="failed", error_message=XSS,
                             steps_failed=[{"step": XSS, "error": XSS}])
    page = operation.render(data)
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    parsed = _parse(page)
    assert f"copy volumes of {XSS}" in parsed.bars  # the attribute decodes back
    assert 'id="errors"' in page


def test_page_loads_nothing_from_outside() -> None:
    data = _report()
    data["operation"]["error_message"] = "see https://cloud.example/docs"  # text, not a link
    page = operation.render(data)
    parsed = _parse(page)
    assert all(not re.match(r"\s*(https?:)?//", link) for link in parsed.links), parsed.links
    assert not re.search(r"@import|url\(\s*['\"]?\s*(https?:)?//", page)
    assert "<script" not in page and "<link" not in page
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")


def test_missing_fields_still_render() -> None:
    page = operation.render({"operation": {"status": "pending"}})
    assert _parse(page).svg_ids == ["timeline"]
    assert "No steps recorded." in page
    assert 'id="rto">–<' in page


def test_failure_reverted_and_errors_are_shown() -> None:
    data = _report()
    data["timeline"][2].update(outcome="failure", error="boot failed: no valid host")
    data["timeline"].append({"step": "revert copy volumes of db", "member": "db",
                             "outcome": "reverted", "error": None,
                             "started_at": "2026-12-01T21:32:39+00:00",
                             "finished_at": "2026-12-01T21:32:40+00:00"})
    data["operation"].update(status="rolled_back", error_message="boot db failed",
                             steps_failed=[{"step": "boot db",
                                            "error": "boot failed: no valid host"}])
    page = operation.render(data)
    assert "outcome-failure" in page and "outcome-reverted" in page
    assert page.count("boot failed: no valid host") >= 2  # table and errors section
    assert "boot db failed" in page
    assert len(_parse(page).bars) == 4


def test_many_members_stay_a_readable_chart() -> None:
    members = [{"id": f"m-{i}", "name": f"vm-{i:03d}", "boot_order": 1} for i in range(500)]
    timeline = [{"step": f"boot vm-{i:03d}", "member": f"vm-{i:03d}", "outcome": "success",
                 "started_at": START, "finished_at": "2026-12-01T21:31:00+00:00",
                 "error": None} for i in range(500)]
    page = operation.render(_report(members=members, timeline=timeline))
    assert len(_parse(page).bars) == 500
    height = int(re.search(r'<svg id="timeline"[^>]* height="(\d+)"', page).group(1))
    assert 500 * 10 < height < 500 * 20  # small rows, one per member
