import horizon
from django.utils.translation import gettext_lazy as _


class Sites(horizon.Panel):
    name = _("Sites")
    slug = "dr_sites"
    permissions = ("openstack.services.protector",)
    policy_rules = (("protector", "protector:sites:names"),)
