# Admin > Site Recovery: site registration and tenant mappings.
from django.utils.translation import gettext_lazy as _

PANEL_GROUP = "site_recovery"
PANEL_GROUP_NAME = _("Site Recovery")
PANEL_GROUP_DASHBOARD = "admin"
