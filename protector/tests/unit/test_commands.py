"""The console scripts as an operator runs them."""

import os
import subprocess
import sys

BIN = os.path.dirname(sys.executable)


def _run(*args, **kw):
    return subprocess.run([os.path.join(BIN, args[0]), *args[1:]], capture_output=True,
                          text=True, timeout=60, **kw)


def test_manage_version():
    from protector import version
    out = _run("protector-manage", "--version")
    assert out.returncode == 0
    assert out.stdout.strip() == version.__version__


def test_help_surfaces_config_parse_errors(tmp_path):
    bad = tmp_path / "protector.conf"
    bad.write_text("[api\nbind_port = 8788\n")
    out = _run("protector-api", "--config-file", str(bad), "--help")
    assert out.returncode != 0
    assert "protector.conf" in out.stderr
    assert "Traceback" not in out.stderr


def test_wrong_type_is_reported_in_one_line(tmp_path):
    conf = tmp_path / "protector.conf"
    conf.write_text(f"[DEFAULT]\nlog_dir = {tmp_path}\n[api]\nbind_port = eighty\n"
                    f"[database]\nconnection = sqlite:///{tmp_path}/p.sqlite\n")
    out = _run("protector-api", "--config-file", str(conf))
    assert out.returncode != 0
    assert "bind_port" in out.stderr and "Traceback" not in out.stderr


def test_db_sync_twice_then_api_refuses_unsynced_db(tmp_path):
    conf = tmp_path / "protector.conf"
    conf.write_text(f"[DEFAULT]\nlog_dir = {tmp_path}\nstate_path = {tmp_path}\n"
                    f"[database]\nconnection = sqlite:///{tmp_path}/p.sqlite\n")
    first = _run("protector-manage", "--config-file", str(conf), "db", "sync")
    assert first.returncode == 0, first.stderr
    assert "upgraded from empty" in first.stdout
    second = _run("protector-manage", "--config-file", str(conf), "db", "sync")
    assert "up to date" in second.stdout
    assert os.path.exists(tmp_path / "protector-manage.log")

    empty = tmp_path / "empty.conf"
    empty.write_text(f"[DEFAULT]\nlog_dir = {tmp_path}\n[api]\napi_paste_config = "
                     f"{os.path.abspath('etc/protector/api-paste.ini')}\n"
                     f"[database]\nconnection = sqlite:///{tmp_path}/other.sqlite\n")
    out = _run("protector-api", "--config-file", str(empty))
    assert out.returncode != 0
    assert "protector-manage db sync" in out.stderr


def test_bad_dsn_is_reported(tmp_path):
    conf = tmp_path / "protector.conf"
    # max_retries = 0: oslo.db would otherwise retry for 100 s, as it should
    # for a database that is still starting.
    conf.write_text(f"[DEFAULT]\nlog_dir = {tmp_path}\n[database]\nmax_retries = 0\n"
                    "connection = mysql+pymysql://protector:wrong@127.0.0.1:1/protector\n")
    out = _run("protector-manage", "--config-file", str(conf), "db", "sync")
    assert out.returncode != 0
    assert "OperationalError" in out.stderr or "Can't connect" in out.stderr
    assert "Traceback" not in out.stderr
