PANEL = "dr_tenant_mappings"
PANEL_DASHBOARD = "admin"
PANEL_GROUP = "site_recovery"
ADD_PANEL = "protector_dashboard.dashboards.admin.tenant_mappings.panel.TenantMappings"
