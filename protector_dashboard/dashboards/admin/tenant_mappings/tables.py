"""Tenant mappings: a project here and its twin on the remote site."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from horizon import exceptions, tables

from protector_dashboard.api import protector


class CreateMapping(tables.LinkAction):
    name = "create"
    verbose_name = _("Create Mapping")
    url = "horizon:admin:dr_tenant_mappings:create"
    classes = ("ajax-modal",)
    icon = "plus"
    policy_rules = (("protector", "protector:tenant_mappings:create"),)


class UpdateMapping(tables.LinkAction):
    name = "update"
    verbose_name = _("Edit Mapping")
    url = "horizon:admin:dr_tenant_mappings:update"
    classes = ("ajax-modal",)
    icon = "pencil"
    policy_rules = (("protector", "protector:tenant_mappings:update"),)


class DeleteMapping(tables.DeleteAction):
    policy_rules = (("protector", "protector:tenant_mappings:delete"),)
    help_text = _("The mapping is deleted on the remote site too.")

    @staticmethod
    def action_present(count):
        return ngettext_lazy("Delete Mapping", "Delete Mappings", count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy("Deleted Mapping", "Deleted Mappings", count)

    def delete(self, request, obj_id):
        try:
            protector.tenant_mapping_delete(request, obj_id)
        except Exception:
            # The API's reason (the peer refused or is unreachable), once.
            exceptions.handle(request, escalate=True)


class TenantMappingsTable(tables.DataTable):
    local_project = tables.Column("local_project", verbose_name=_("Local project"))
    remote_site = tables.Column("remote_site_name", verbose_name=_("Remote site"))
    remote_tenant = tables.Column("remote_tenant", verbose_name=_("Remote project"))
    description = tables.WrappingColumn("description", verbose_name=_("Description"))
    mirrored = tables.Column("mirrored", verbose_name=_("Mirrored on peer"))

    def get_object_display(self, datum):
        return f"{datum.local_project} -> {datum.remote_site_name}"

    class Meta:
        name = "dr_tenant_mappings"
        verbose_name = _("Tenant Mappings")
        table_actions = (CreateMapping, DeleteMapping)
        row_actions = (UpdateMapping, DeleteMapping)
