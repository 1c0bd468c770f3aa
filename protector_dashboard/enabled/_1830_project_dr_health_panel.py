PANEL = "dr_health"
PANEL_DASHBOARD = "project"
PANEL_GROUP = "site_recovery"
ADD_PANEL = "protector_dashboard.dashboards.project.dr_health.panel.Health"
