PANEL = "dr_operations"
PANEL_DASHBOARD = "project"
PANEL_GROUP = "site_recovery"
ADD_PANEL = "protector_dashboard.dashboards.project.dr_operations.panel.Operations"
