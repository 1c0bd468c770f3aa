from protector_dashboard.api import exceptions

PANEL = "protection_groups"
PANEL_DASHBOARD = "project"
PANEL_GROUP = "site_recovery"
ADD_PANEL = "protector_dashboard.dashboards.project.protection_groups.panel.ProtectionGroups"
ADD_INSTALLED_APPS = ["protector_dashboard"]
# protector's API errors are handled as Horizon handles any service's.
ADD_EXCEPTIONS = exceptions.HORIZON_EXCEPTIONS
