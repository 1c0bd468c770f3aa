"""Django settings of the view tests: Horizon's own test settings with the
plugin's panels enabled and its policy file (Horizon's test helpers)."""

import os

import openstack_dashboard.enabled
from horizon.test.settings import *  # noqa: F403
from openstack_dashboard.test.settings import *  # noqa: F403
from openstack_dashboard.utils import settings as settings_utils

import protector_dashboard
import protector_dashboard.enabled

# Horizon's test settings enabled its own panels already: start over with
# both sets, or every app and script would be listed twice.
INSTALLED_APPS = [app for app in INSTALLED_APPS  # noqa: F405
                  if app not in HORIZON_CONFIG["plugins"]]  # noqa: F405
for _key in ("plugins", "angular_modules", "js_files", "js_spec_files", "scss_files",
             "xstatic_modules"):
    HORIZON_CONFIG[_key] = []  # noqa: F405
settings_utils.update_dashboards(
    [openstack_dashboard.enabled, protector_dashboard.enabled],
    HORIZON_CONFIG,  # noqa: F405
    INSTALLED_APPS)
settings_utils.find_static_files(HORIZON_CONFIG, AVAILABLE_THEMES,  # noqa: F405
                                 THEME_COLLECTION_DIR, ROOT_PATH)  # noqa: F405

POLICY_FILES = dict(POLICY_FILES)  # noqa: F405
POLICY_FILES["protector"] = os.path.join(os.path.dirname(protector_dashboard.__file__),
                                         "conf", "protector_policy.yaml")

PROTECTOR_SITES = {
    "site-a": {"auth_url": "http://localhost/identity/v3", "region": None},
    "site-b": {"auth_url": "http://remote/identity/v3", "region": None},
}
