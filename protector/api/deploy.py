"""Load the WSGI pipeline from api-paste.ini, the file the spec prints.

The spec's file defines ``protectorapi_v1`` twice: as a composite whose
``use`` is keystonemiddleware's auth_token filter factory and as the v1
app. PasteDeploy refuses that ("Ambiguous section names"), so protector
reads the file itself with these rules:

* ``composite:NAME`` with ``use = egg:Paste#urlmap`` maps path prefixes to
  other names (Paste's URLMap does the dispatch);
* ``app:NAME`` calls its ``paste.app_factory``;
* ``composite:NAME`` whose ``use``/``paste.filter_factory`` is a filter
  factory, next to an ``app:NAME``, wraps that app in the filter: the
  spec's way of putting auth_token in front of /v1;
* ``pipeline:NAME`` lists ``filter:`` names and ends with an app name.

With ``[api] auth_strategy = noauth`` the auth_token filter is left out.
"""

import configparser
import importlib
import os
from collections.abc import Callable
from typing import Any

from oslo_log import log
from paste import urlmap

from protector.conf import CONF

LOG = log.getLogger(__name__)
AUTH_TOKEN_FACTORY = "keystonemiddleware.auth_token:filter_factory"
URLMAP = "egg:Paste#urlmap"


class PasteConfigError(Exception):
    pass


def _import(ref: str) -> Callable:
    ref = ref.removeprefix("call:").strip()
    module_name, _, attr = ref.partition(":")
    obj: Any = importlib.import_module(module_name)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


class _Loader:
    def __init__(self, path: str) -> None:
        self.path = path
        self.parser = configparser.ConfigParser(interpolation=None)
        self.parser.optionxform = str  # keep "/v1" and option case as written
        if not self.parser.read(path):
            raise PasteConfigError(f"cannot read {path}")
        self.global_conf = {"__file__": path, "here": os.path.dirname(path)}

    def _section(self, kind: str, name: str) -> dict[str, str] | None:
        key = f"{kind}:{name}"
        return dict(self.parser[key]) if self.parser.has_section(key) else None

    def app(self, name: str) -> Any:
        app_section = self._section("app", name)
        composite = self._section("composite", name)
        pipeline = self._section("pipeline", name)
        if composite is not None:
            use = composite.get("use", "")
            if use == URLMAP:
                return self._urlmap(name, composite)
            factory_ref = composite.get("paste.filter_factory") or use
            if app_section is not None and factory_ref:
                inner = self._app_from(name, app_section)
                return self._filter_from(factory_ref, composite)(inner)
            raise PasteConfigError(f"[composite:{name}] in {self.path}: unsupported use "
                                   f"{use!r}")
        if pipeline is not None:
            names = pipeline.get("pipeline", "").split()
            if not names:
                raise PasteConfigError(f"[pipeline:{name}] is empty")
            app = self.app(names[-1])
            for filter_name in reversed(names[:-1]):
                app = self.filter(filter_name)(app)
            return app
        if app_section is not None:
            return self._app_from(name, app_section)
        raise PasteConfigError(f"{self.path} has no app, composite or pipeline "
                               f"named {name!r}")

    def _app_from(self, name: str, section: dict[str, str]) -> Any:
        ref = section.pop("paste.app_factory", None) or section.pop("use", None)
        if not ref:
            raise PasteConfigError(f"[app:{name}] has no paste.app_factory")
        return _import(ref)(self.global_conf, **section)

    def _urlmap(self, name: str, section: dict[str, str]) -> Any:
        mapping = urlmap.URLMap()
        for prefix, target in section.items():
            if prefix.startswith("/"):
                mapping[prefix] = self.app(target.strip())
        return mapping

    def filter(self, name: str) -> Callable[[Any], Any]:
        section = self._section("filter", name)
        if section is None:
            raise PasteConfigError(f"{self.path} has no [filter:{name}]")
        ref = section.pop("paste.filter_factory", None) or section.pop("use", "")
        return self._filter_from(ref, section)

    def _filter_from(self, ref: str, local_conf: dict[str, str]) -> Callable[[Any], Any]:
        ref = ref.removeprefix("call:").strip()
        local_conf = {k: v for k, v in local_conf.items()
                      if k not in ("use", "paste.filter_factory")}
        if ref == AUTH_TOKEN_FACTORY:
            if CONF.api.auth_strategy == "noauth":
                LOG.warning("auth_strategy is noauth: the API does not check tokens")
                return lambda app: app
            # Read [keystone_authtoken] from protector.conf, not from paste.
            local_conf = {"oslo_config_config": CONF}
        return _import(ref)(self.global_conf, **local_conf)


def load_app(path: str, name: str = "protector") -> Any:
    """The WSGI app ``name`` described by the paste file at ``path``."""
    return _Loader(path).app(name)


def find_paste_config() -> str:
    """[api] api_paste_config, looked up next to the config files."""
    configured = CONF.api.api_paste_config
    path = configured if os.path.isabs(configured) else CONF.find_file(configured)
    if not path or not os.path.exists(path):
        dirs = sorted({os.path.dirname(os.path.abspath(f)) for f in CONF.config_file})
        raise PasteConfigError(f"api-paste.ini not found: {configured} (looked in "
                               f"{', '.join(dirs) or 'no config directory'}); "
                               "set [api] api_paste_config")
    return path
