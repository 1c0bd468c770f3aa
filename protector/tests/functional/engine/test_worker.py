"""The engine's machinery: one engine per operation (leases), progress on
the operation row, rollback on failure, and resumption by another engine
after the first one dies mid-flow (a real process killed with os._exit)."""

import collections
import os
import subprocess
import sys
import time

import futurist
import pytest
import sqlalchemy

from protector import context, states
from protector.db import models, session
from protector.db import operations as op_db
from protector.db import protection_groups as pg_db
from protector.engine import flows, leases, persistence, progress, rpcapi, worker
from protector.tests.functional.api import helpers
from protector.tests.functional.engine import sample_flow

SAMPLE = "protector.tests.functional.engine.sample_flow:get_flow"


@pytest.fixture
def journal(tmp_path, monkeypatch):
    path = tmp_path / "journal"
    path.write_text("")
    monkeypatch.setenv(sample_flow.JOURNAL, str(path))
    return path


@pytest.fixture
def started(sqlite_api, conf, monkeypatch, journal):
    """A PG with a test failover accepted by the API (the cast is recorded)."""
    monkeypatch.setitem(flows.FACTORIES, states.OP_TEST_FAILOVER, SAMPLE)
    casts = []
    monkeypatch.setattr(rpcapi.EngineAPI, "__init__", lambda self: None)
    monkeypatch.setattr(rpcapi.EngineAPI, "run_operation",
                        lambda self, ctxt, operation_id: casts.append(operation_id))
    conf.set_override("lease_seconds", 2, group="engine")
    helpers.make_sites(sqlite_api["admin"])
    owner = sqlite_api["owner"]
    helpers.make_pg(owner)
    resp = owner.post(f"/v1/{owner.project}/protection-groups/pg1/action",
                      {"test_failover": {"auto_network": True}}, status=202)
    op = resp.json["operation"]
    assert casts == [op["id"]] and op["status"] == "pending"
    pg = owner.get(f"/v1/{owner.project}/protection-groups/pg1").json["protection_group"]
    assert pg["status"] == "testing"
    yield owner, op
    persistence.reset()
    conf.clear_override("lease_seconds", group="engine")


def _lines(journal):
    return journal.read_text().split("\n")[:-1]


def test_operation_runs_and_reports_progress(started, journal):
    owner, op = started
    worker.run(op["id"], host="engine-1")
    done = owner.get(f"/v1/{owner.project}/operations/{op['id']}").json["operation"]
    assert done["status"] == "completed" and done["progress"] == 100
    steps = done["steps_completed"]
    assert steps[0] == "prepare" and steps[-1] == "finish"
    assert sorted(steps[1:4]) == ["server-0", "server-1", "server-2"]
    # A many-member task's member steps, each recorded before the task.
    assert sorted(steps[4:7]) == ["member-0", "member-1", "member-2"]
    assert steps[7] == "members" and len(steps) == 9
    assert done["steps_failed"] == [] and done["completed_at"]
    pg = owner.get(f"/v1/{owner.project}/protection-groups/pg1").json["protection_group"]
    assert pg["status"] == "test_failed_over"
    # A second run of a finished operation does nothing.
    worker.run(op["id"], host="engine-2")
    assert _lines(journal).count("execute prepare") == 1


def test_failure_rolls_back_every_step_and_settles_the_pg(started, journal, monkeypatch):
    owner, op = started
    monkeypatch.setenv("PROTECTOR_TEST_FAIL_AT", "finish")
    worker.run(op["id"], host="engine-1")
    done = owner.get(f"/v1/{owner.project}/operations/{op['id']}").json["operation"]
    assert done["status"] == "rolled_back"
    assert "finish failed on purpose" in done["error_message"]
    assert done["steps_failed"][0]["step"] == "finish"
    lines = _lines(journal)
    for step in ("prepare", "server-0", "server-1", "server-2", "members"):
        assert f"revert {step}" in lines
    assert lines.index("revert prepare") > max(lines.index(f"revert server-{i}")
                                               for i in range(3))
    pg = owner.get(f"/v1/{owner.project}/protection-groups/pg1").json["protection_group"]
    assert pg["status"] == "active"


def test_one_engine_per_operation(started):
    _, op = started
    ctx = context.get_admin_context()
    assert leases.claim(ctx, op["id"], "engine-1")
    assert not leases.claim(ctx, op["id"], "engine-2")
    assert leases.renew(ctx, op["id"], "engine-1")
    assert not leases.renew(ctx, op["id"], "engine-2")
    time.sleep(2.1)  # the lease lapses: engine-1 is presumed dead
    assert leases.orphaned(ctx, pending_grace=3600) == [op["id"]]
    assert leases.claim(ctx, op["id"], "engine-2")
    assert not leases.renew(ctx, op["id"], "engine-1")


def test_second_operation_is_refused_while_one_runs(started):
    owner, _ = started
    resp = owner.post(f"/v1/{owner.project}/protection-groups/pg1/action",
                      {"test_failover": {"auto_network": True}}, status=409)
    assert "testing" in resp.json["error"]["message"]


def _rows(op_id):
    with session.reader(context.get_admin_context()) as s:
        return s.execute(sqlalchemy.select(models.OperationStep).where(
            models.OperationStep.operation_id == op_id)).scalars().all()


def test_member_steps_are_timed_and_checkpointed(started):
    owner, op = started
    worker.run(op["id"], host="engine-1")
    rows = {r.name: r for r in _rows(op["id"])}
    assert set(rows) == {"prepare", "server-0", "server-1", "server-2", "members",
                         "member-0", "member-1", "member-2", "finish"}
    assert {r.outcome for r in rows.values()} == {"success"}
    for i in range(3):
        member = rows[f"member-{i}"]
        assert member.member_id == f"m{i}" and member.result == f"made by member-{i}"
        assert rows["members"].started_at <= member.started_at <= member.finished_at \
            <= rows["members"].finished_at
    assert rows["prepare"].result is None  # a task's result stays in taskflow's tables
    assert progress.checkpoints(context.get_admin_context(), op["id"]) == {
        (f"member-{i}", f"m{i}"): f"made by member-{i}" for i in range(3)}


def test_failed_member_step_fails_its_task(started, monkeypatch):
    owner, op = started
    monkeypatch.setenv("PROTECTOR_TEST_FAIL_AT", "member-1")
    worker.run(op["id"], host="engine-1")
    done = owner.get(f"/v1/{owner.project}/operations/{op['id']}").json["operation"]
    assert done["status"] == "rolled_back"
    assert [f["step"] for f in done["steps_failed"]] == ["member-1", "members"]
    assert {"member-0", "member-2"} <= set(done["steps_completed"])
    outcome = {r.name: r.outcome for r in _rows(op["id"])}
    assert outcome["member-1"] == "failure" and outcome["revert members"] == "reverted"


@pytest.mark.parametrize("kill_at", ["prepare", "server-1", "member-2", "finish"])
def test_engine_killed_mid_flow_is_resumed_by_another(started, journal, conf, kill_at):
    owner, op = started
    conf_file = journal.parent / "protector.conf"
    conf_file.write_text(
        f"[DEFAULT]\nstate_path = {conf.state_path}\nsite_name = site-a\n"
        f"log_dir = {journal.parent}\n"
        f"[database]\nconnection = {conf.database.connection}\n"
        "[engine]\nlease_seconds = 2\n")
    script = (
        "import sys; from protector import config, states; "
        "config.parse_args(['--config-file', sys.argv[1]]); "
        "from protector.engine import flows, worker; "
        f"flows.FACTORIES[states.OP_TEST_FAILOVER] = {SAMPLE!r}; "
        "worker.run(sys.argv[2], host='engine-1')")
    env = dict(os.environ, PROTECTOR_TEST_KILL_AT=kill_at)
    dead = subprocess.run([sys.executable, "-c", script, str(conf_file), op["id"]],
                          env=env, capture_output=True, text=True, timeout=60)
    assert dead.returncode == 9, dead.stderr
    half = owner.get(f"/v1/{owner.project}/operations/{op['id']}").json["operation"]
    assert half["status"] == "running"

    ctx = context.get_admin_context()
    assert not leases.claim(ctx, op["id"], "engine-2")  # engine-1's lease is still live
    time.sleep(2.1)
    assert op["id"] in leases.orphaned(ctx, pending_grace=3600)
    worker.run(op["id"], host="engine-2")
    done = owner.get(f"/v1/{owner.project}/operations/{op['id']}").json["operation"]
    assert done["status"] == "completed", done
    lines = _lines(journal)
    finished_before = [s for s in ("prepare",) if kill_at != "prepare"]
    if kill_at == "member-2":  # its siblings' checkpoints were written
        finished_before = ["prepare", "member-0", "member-1"]
    for step in finished_before:
        assert lines.count(f"execute {step}") == 1  # not redone after the crash
    assert lines.count(f"execute {kill_at}") == 2   # the interrupted step ran again
    assert lines.count("execute finish") == 1 + (kill_at == "finish")
    assert pg_db.get(ctx, None, op["protection_group_id"]).status == "test_failed_over"
    # Every step succeeded once; those the dead engine was running (the one
    # it died in, and its siblings in parallel) show as interrupted first.
    runs = collections.defaultdict(list)
    for row in sorted(_rows(op["id"]), key=lambda r: r.started_at):
        runs[row.name].append(row.outcome)
    assert runs[kill_at] == ["interrupted", "success"]
    assert set(map(tuple, runs.values())) <= {("success",), ("interrupted", "success")}
    assert all(runs[step] == ["success"] for step in finished_before), runs
    assert op_db.get(ctx, None, op["id"]).engine_host is None  # lease released


def test_step_saved_by_taskflow_but_not_recorded_is_recorded_on_takeover(started):
    """An engine dying between taskflow saving a step's success and the
    listener writing it: the next engine's listener records it (taskflow
    will not run it again)."""
    owner, op = started
    worker.run(op["id"], host="engine-1")
    ctx = context.get_admin_context()
    done = op_db.get(ctx, None, op["id"])
    lost = [s for s in done.steps_completed if s != "prepare"]
    op_db.update(ctx, op["id"], {"steps_completed": lost})
    with session.writer(ctx) as s:
        s.execute(sqlalchemy.delete(models.OperationStep).where(
            models.OperationStep.operation_id == op["id"],
            models.OperationStep.name == "prepare"))
    executor = futurist.ThreadPoolExecutor(max_workers=1)
    try:
        engine, total = worker._engine(op_db.get(ctx, None, op["id"]), ctx, executor)
        progress.ProgressListener(engine, ctx, op["id"], total)
    finally:
        executor.shutdown()
    assert op_db.get(ctx, None, op["id"]).steps_completed == [*lost, "prepare"]
    assert [r.outcome for r in _rows(op["id"]) if r.name == "prepare"] == ["success"]
