from typing import Any

from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from horizon import exceptions, forms, tables

from protector_dashboard.api import protector
from protector_dashboard.dashboards.admin.tenant_mappings import forms as tm_forms
from protector_dashboard.dashboards.admin.tenant_mappings import tables as tm_tables
from protector_dashboard.dashboards.admin.tenant_mappings import utils

INDEX_URL = reverse_lazy("horizon:admin:dr_tenant_mappings:index")


def _project(names: dict[str, str], project_id: str) -> str:
    name = names.get(project_id)
    return f"{name} ({project_id})" if name else project_id


class IndexView(tables.DataTableView):
    table_class = tm_tables.TenantMappingsTable
    page_title = _("Tenant Mappings")

    def get_data(self):
        try:
            mappings = protector.tenant_mapping_list(self.request)
        except Exception:
            exceptions.handle(self.request, _("Unable to list tenant mappings."))
            return []
        if not mappings:
            return []
        site_names, local = utils.sites(self.request)
        projects = {p.id: p.name for p in utils.projects(self.request)}
        rows = [utils.Record(m, remote_site_name=site_names.get(m["remote_site"],
                                                                 m["remote_site"]),
                             local_project=_project(projects, m["local_tenant"]))
                for m in mappings]
        states = utils.mirror_states(self.request, rows, local)
        for row in rows:
            row["mirrored"] = states.get(row["id"], "-")
        return rows


class CreateView(forms.ModalFormView):
    form_class = tm_forms.CreateMappingForm
    template_name = "admin/dr_tenant_mappings/create.html"
    modal_id = "create_tenant_mapping_modal"
    modal_header = _("Create Mapping")
    submit_label = _("Create Mapping")
    submit_url = reverse_lazy("horizon:admin:dr_tenant_mappings:create")
    success_url = INDEX_URL
    page_title = _("Create Tenant Mapping")


class UpdateView(forms.ModalFormView):
    form_class = tm_forms.UpdateMappingForm
    template_name = "admin/dr_tenant_mappings/update.html"
    modal_id = "update_tenant_mapping_modal"
    modal_header = _("Edit Mapping")
    submit_label = _("Save Changes")
    success_url = INDEX_URL
    page_title = _("Edit Tenant Mapping")

    def get_mapping(self) -> dict[str, Any]:
        if not hasattr(self, "_mapping"):
            try:
                self._mapping = protector.tenant_mapping_get(self.request,
                                                             self.kwargs["mapping_id"])
            except Exception:
                exceptions.handle(self.request, _("Unable to retrieve the mapping."),
                                  redirect=INDEX_URL)
        return self._mapping

    def get_initial(self):
        mapping = self.get_mapping()
        return {"mapping_id": self.kwargs["mapping_id"],
                "remote_tenant": mapping.get("remote_tenant"),
                "description": mapping.get("description")}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        mapping = self.get_mapping()
        names, _local = utils.sites(self.request)
        context["mapping"] = mapping
        context["remote_site_name"] = names.get(mapping.get("remote_site"),
                                                mapping.get("remote_site"))
        context["submit_url"] = reverse("horizon:admin:dr_tenant_mappings:update",
                                        args=(self.kwargs["mapping_id"],))
        return context
