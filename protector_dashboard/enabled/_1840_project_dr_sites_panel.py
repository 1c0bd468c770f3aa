PANEL = "dr_sites"
PANEL_DASHBOARD = "project"
PANEL_GROUP = "site_recovery"
ADD_PANEL = "protector_dashboard.dashboards.project.dr_sites.panel.Sites"
