"""The sites a tenant signs in to: protector's sites merged with the
Keystones this dashboard is configured with (PROTECTOR_SITES)."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from horizon import tables

from protector_dashboard import common
from protector_dashboard.api import peers


class Site(dict):
    """A site row (a dict underneath, so ``site.name`` and ``site["name"]``)."""

    def __getattr__(self, key: str) -> Any:
        try:
            return self[key]
        except KeyError as exc:
            raise AttributeError(key) from exc


class SignIn(tables.LinkAction):
    name = "sign_in"
    verbose_name = _("Sign in")
    url = "horizon:project:dr_sites:sign_in"
    classes = ("ajax-modal",)
    icon = "sign-in"
    policy_rules = (("protector", "protector:sites:names"),)

    def allowed(self, request, site=None):
        # This site is Horizon's own login; a site without a configured
        # Keystone has nowhere to send the password.
        return site is not None and site.configured and not site.local


class SignOut(tables.BatchAction):
    name = "sign_out"
    icon = "sign-out"
    policy_rules = (("protector", "protector:sites:names"),)

    @staticmethod
    def action_present(count):
        return ngettext_lazy("Sign out", "Sign out", count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy("Signed out of", "Signed out of", count)

    def allowed(self, request, site=None):
        return site is not None and bool(site.signed_in)

    def action(self, request, obj_id):
        peers.sign_out(request, obj_id)


def keystone_url(site: Site) -> str:
    return site.auth_url or str(_("not configured in PROTECTOR_SITES"))


def sign_in_state(site: Site) -> str:
    if site.local:
        return str(_("this site (the dashboard's login)"))
    entry = site.signed_in
    if not entry:
        return "-"
    return str(_("as %(user)s / %(project)s, until %(expires)s")
               % {"user": entry.get("username"), "project": entry.get("project_name"),
                  "expires": common.when(entry.get("expires"), seconds=False)})


def this_site(site: Site) -> str:
    return str(_("Yes")) if site.local else str(_("No"))


class SitesTable(tables.DataTable):
    name = tables.Column("name", verbose_name=_("Name"))
    local = tables.Column(this_site, verbose_name=_("This site"))
    auth_url = tables.Column(keystone_url, verbose_name=_("Keystone URL"))
    signed_in = tables.Column(sign_in_state, verbose_name=_("Signed in"))

    def get_object_id(self, datum):
        return datum.name  # the sign-in URLs and peers key sites by name

    def get_object_display(self, datum):
        return datum.name

    class Meta:
        name = "dr_sites"
        verbose_name = _("Sites")
        row_actions = (SignIn, SignOut)
