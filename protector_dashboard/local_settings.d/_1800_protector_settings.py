# Copy to openstack_dashboard/local/local_settings.d/ (docs/dashboard.md).
# protector's policy for Horizon's checks: the rule names of the API
# (protector_policy.yaml, generated from protector's policy-in-code).
import os

import protector_dashboard

POLICY_FILES = globals().get("POLICY_FILES", {})
POLICY_FILES["protector"] = os.path.join(os.path.dirname(protector_dashboard.__file__),
                                         "conf", "protector_policy.yaml")
# The two sites' Keystones, as site names of protector. Without it the
# dashboard uses AVAILABLE_REGIONS, naming each site as its region entry.
# PROTECTOR_SITES = {
#     "site-a": {"auth_url": "http://site-a-ctl:5000/v3", "region": "RegionOne"},
#     "site-b": {"auth_url": "http://site-b-ctl:5000/v3", "region": "RegionOne"},
# }
