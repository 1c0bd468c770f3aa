"""Reading api-paste.ini: the spec's file, well-formed pipelines, errors."""

import pytest
import webtest

from protector.api import deploy


def _write(tmp_path, text):
    path = tmp_path / "api-paste.ini"
    path.write_text(text)
    return str(path)


def test_pipeline_and_app(conf, tmp_path):
    path = _write(tmp_path, """
[composite:protector]
use = egg:Paste#urlmap
/: versions
/v1: v1

[app:versions]
paste.app_factory = protector.api.versions:VersionsController.factory

[pipeline:v1]
pipeline = authtoken api

[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory

[app:api]
paste.app_factory = protector.api.app:create_app
""")
    app = webtest.TestApp(deploy.load_app(path))
    assert app.get("/").json["versions"][0]["id"] == "v1"
    app.get("/v1/x/sites", status=401)  # noauth without identity


def test_missing_section_is_a_clear_error(conf, tmp_path):
    path = _write(tmp_path, "[composite:protector]\nuse = egg:Paste#urlmap\n/: nope\n")
    with pytest.raises(deploy.PasteConfigError, match="named 'nope'"):
        deploy.load_app(path)


def test_unreadable_file(conf, tmp_path):
    with pytest.raises(deploy.PasteConfigError, match="cannot read"):
        deploy.load_app(str(tmp_path / "absent.ini"))


def test_find_paste_config_reports_where_it_looked(conf, tmp_path):
    conf.set_override("api_paste_config", "absent-paste.ini", group="api")
    try:
        with pytest.raises(deploy.PasteConfigError, match="api_paste_config"):
            deploy.find_paste_config()
    finally:
        conf.clear_override("api_paste_config", group="api")
