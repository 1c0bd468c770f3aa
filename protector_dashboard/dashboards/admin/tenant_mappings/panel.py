import horizon
from django.utils.translation import gettext_lazy as _


class TenantMappings(horizon.Panel):
    name = _("Tenant Mappings")
    slug = "dr_tenant_mappings"
    permissions = ("openstack.services.protector",)
    policy_rules = (("protector", "protector:tenant_mappings:index"),)
