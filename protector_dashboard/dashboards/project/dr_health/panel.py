import horizon
from django.utils.translation import gettext_lazy as _


class Health(horizon.Panel):
    name = _("Health")
    slug = "dr_health"
    permissions = ("openstack.services.protector",)
    policy_rules = (("protector", "protector:protection_groups:index"),)
