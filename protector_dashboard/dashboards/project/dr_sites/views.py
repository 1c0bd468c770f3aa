from typing import Any

from django import http
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from horizon import exceptions, forms, messages, tables

from protector_dashboard.api import peers, protector
from protector_dashboard.dashboards.project.dr_sites import forms as site_forms
from protector_dashboard.dashboards.project.dr_sites import tables as site_tables

INDEX_URL = reverse_lazy("horizon:project:dr_sites:index")


def site_rows(request: Any) -> list[site_tables.Site]:
    """protector's sites, each with its configured Keystone and sign-in,
    then the configured Keystones protector does not list."""
    configured = peers.sites()
    here = peers.local_name(request)
    try:
        known = protector.site_names(request)
    except Exception:
        exceptions.handle(request, _("Unable to list protector's sites; showing the "
                                     "configured ones only."))
        known = []
    rows = []
    for name in [s["name"] for s in known] + [n for n in configured
                                               if n not in {s["name"] for s in known}]:
        entry = configured.get(name)
        local = name == here or any(s["name"] == name and s.get("local") for s in known)
        rows.append(site_tables.Site(
            name=name, local=local, configured=entry is not None,
            auth_url=entry["auth_url"] if entry else None,
            signed_in=None if local or entry is None else peers.signed_in(request, name)))
    return rows


class IndexView(tables.DataTableView):
    table_class = site_tables.SitesTable
    template_name = "project/dr_sites/index.html"
    page_title = _("Sites")

    def get_data(self):
        return site_rows(self.request)


class _SiteFormView(forms.ModalFormView):
    success_url = INDEX_URL

    def dispatch(self, request, *args, **kwargs):
        site = kwargs["site"]
        if site not in peers.sites():
            messages.error(request, _("%s is not one of this dashboard's sites "
                                      "(PROTECTOR_SITES).") % site)
            return http.HttpResponseRedirect(INDEX_URL)
        if peers.is_local(request, site):
            messages.info(request, _("%s is this site: the dashboard's own login is "
                                     "used there.") % site)
            return http.HttpResponseRedirect(INDEX_URL)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"site": self.kwargs["site"]}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["site"] = self.kwargs["site"]
        context["submit_url"] = reverse(self.submit_url_name, args=(self.kwargs["site"],))
        return context


class SignInView(_SiteFormView):
    form_class = site_forms.SignInForm
    template_name = "project/dr_sites/sign_in.html"
    modal_id = "sign_in_site_modal"
    submit_label = _("Sign in")
    submit_url_name = "horizon:project:dr_sites:sign_in"
    page_title = _("Sign in to a site")

    def get_initial(self):
        user = self.request.user
        return {"site": self.kwargs["site"], "username": user.username,
                "user_domain_name": getattr(user, "user_domain_name", None),
                "project_name": getattr(user, "project_name", None),
                "project_domain_name": "Default"}


class SignOutView(_SiteFormView):
    form_class = site_forms.SignOutForm
    template_name = "project/dr_sites/sign_out.html"
    modal_id = "sign_out_site_modal"
    submit_label = _("Sign out")
    submit_url_name = "horizon:project:dr_sites:sign_out"
    page_title = _("Sign out of a site")
