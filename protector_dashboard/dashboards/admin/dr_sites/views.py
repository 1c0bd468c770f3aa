from typing import Any

from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from horizon import exceptions, forms, tables, views

from protector_dashboard.api import protector
from protector_dashboard.dashboards.admin.dr_sites import forms as site_forms
from protector_dashboard.dashboards.admin.dr_sites import tables as site_tables

INDEX_URL = reverse_lazy("horizon:admin:dr_admin_sites:index")
SERVICES = (("keystone_reachable", _("Keystone")), ("cinder_reachable", _("Cinder")),
            ("nova_reachable", _("Nova")), ("neutron_reachable", _("Neutron")))


def validation_lines(result: dict[str, Any]) -> list[str]:
    """The lines of the spec's Example 4, as ``site validate`` prints them."""
    reachable = (result.get("status") != "unreachable"
                 if result.get("status") else result.get("keystone_reachable"))
    lines = [str(_("Site %(name)s: %(state)s") % {
        "name": result.get("name"),
        "state": _("reachable") if reachable else _("unreachable")})]
    for key, label in SERVICES:
        lines.append(f"{label}: {'OK' if result.get(key) else 'FAILED'}")
    types = result.get("replicated_volume_types") or []
    lines.append(str(_("Replicated volume types found: %s")
                     % (", ".join(types) if types else _("none"))))
    return lines


class SiteMixin:
    """The site of the URL, asked once per request."""

    def get_site(self) -> dict[str, Any]:
        if not hasattr(self, "_site"):
            try:
                self._site = protector.site_get(self.request, self.kwargs["site_id"])
            except Exception:
                exceptions.handle(self.request, _("Unable to retrieve the site."),
                                  redirect=INDEX_URL)
        return self._site


class IndexView(tables.DataTableView):
    table_class = site_tables.SitesTable
    page_title = _("Sites")

    def get_data(self):
        try:
            sites = protector.site_list(self.request)
        except Exception:
            exceptions.handle(self.request, _("Unable to list sites."))
            return []
        return [site_tables.Record(s) for s in sites]


class CreateView(forms.ModalFormView):
    form_class = site_forms.CreateSiteForm
    template_name = "admin/dr_admin_sites/create.html"
    modal_id = "create_site_modal"
    modal_header = _("Register Site")
    submit_label = _("Register Site")
    submit_url = reverse_lazy("horizon:admin:dr_admin_sites:create")
    success_url = INDEX_URL
    page_title = _("Register Site")


class UpdateView(SiteMixin, forms.ModalFormView):
    form_class = site_forms.UpdateSiteForm
    template_name = "admin/dr_admin_sites/update.html"
    modal_id = "update_site_modal"
    modal_header = _("Edit Site")
    submit_label = _("Save Changes")
    success_url = INDEX_URL
    page_title = _("Edit Site")

    def get_initial(self):
        site = self.get_site()
        initial = {k: site.get(k) for k in (
            "description", "auth_url", "region_name", "interface", "protector_url",
            "service_username", "service_project_name", "service_user_domain_name",
            "service_project_domain_name", "service_password_set")}
        initial["site_id"] = self.kwargs["site_id"]
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["site"] = self.get_site()
        context["submit_url"] = reverse("horizon:admin:dr_admin_sites:update",
                                        args=(self.kwargs["site_id"],))
        return context


class DetailView(SiteMixin, tables.DataTableView):
    """A site and its replication-enabled volume types."""

    table_class = site_tables.VolumeTypesTable
    template_name = "admin/dr_admin_sites/detail.html"
    page_title = _("Site: {{ site.name }}")

    def get_data(self):
        try:
            types = protector.site_volume_types(self.request, self.kwargs["site_id"])
        except Exception:
            exceptions.handle(self.request, _("Unable to list the site's volume types."))
            return []
        return [site_tables.Record(t) for t in types]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["site"] = self.get_site()
        context["url"] = INDEX_URL
        return context


class ValidateView(views.HorizonTemplateView):
    """Runs the site's validation (``openstack protector site validate``)."""

    template_name = "admin/dr_admin_sites/validate.html"
    page_title = _("Validate Site")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            result = protector.site_validate(self.request, self.kwargs["site_id"])
        except Exception:
            exceptions.handle(self.request, _("Unable to validate the site."),
                              redirect=INDEX_URL)
        context["result"] = result
        context["lines"] = validation_lines(result)
        context["error"] = result.get("error")
        context["url"] = INDEX_URL
        return context
