# Project > Site Recovery: the tenant's protection groups, operations,
# health and the sites it signs in to.
from django.utils.translation import gettext_lazy as _

PANEL_GROUP = "site_recovery"
PANEL_GROUP_NAME = _("Site Recovery")
PANEL_GROUP_DASHBOARD = "project"
