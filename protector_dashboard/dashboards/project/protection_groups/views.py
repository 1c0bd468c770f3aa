"""The protection group list, create, edit, detail and policy pages."""

from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from horizon import exceptions, forms, tables, tabs
from horizon.utils import memoized

from protector_dashboard.api import protector
from protector_dashboard.dashboards.project.protection_groups import forms as pg_forms
from protector_dashboard.dashboards.project.protection_groups import policy_forms, utils
from protector_dashboard.dashboards.project.protection_groups import tables as pg_tables
from protector_dashboard.dashboards.project.protection_groups import tabs as pg_tabs

URL = "horizon:project:protection_groups:"
INDEX_URL = reverse_lazy(URL + "index")
MODAL = "project/protection_groups/modal.html"


class IndexView(tables.DataTableView):
    table_class = pg_tables.ProtectionGroupsTable
    page_title = _("Protection Groups")

    def get_data(self):
        filters = self.get_server_filter_info(self.request)
        query = {}
        if filters["value"] and filters["field"] in ("name", "status"):
            query[filters["field"]] = filters["value"]
        try:
            pgs = protector.pg_list(self.request, **query)
        except Exception:
            exceptions.handle(self.request, _("Unable to list protection groups."))
            return []
        return utils.decorate(self.request, pgs)


class CreateView(forms.ModalFormView):
    form_class = pg_forms.CreateForm
    template_name = MODAL
    modal_id = "create_protection_group_modal"
    form_id = "create_protection_group_form"
    page_title = _("Create Protection Group")
    submit_label = _("Create Protection Group")
    submit_url = reverse_lazy(URL + "create")
    success_url = INDEX_URL

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["description"] = _(
            "A protection group is a set of servers that fail over together between "
            "its two sites. Their volumes replicate when their volume type is the "
            "group's, which must exist with replication enabled on both sites.\n\n"
            "The mappings say which network and flavor of the other site a server "
            "uses after a failover; each operation may override them.")
        return context


class PGFormView(forms.ModalFormView):
    """A modal form about one protection group (``pg_id`` in the URL)."""

    template_name = MODAL
    url_name = ""
    description = ""
    wide = False
    success_tab: str | None = None

    @memoized.memoized_method
    def get_pg(self) -> utils.PG:
        try:
            pg = protector.pg_get(self.request, self.kwargs["pg_id"])
        except Exception:
            exceptions.handle(self.request, _("Unable to retrieve the protection group."),
                              redirect=reverse(URL + "index"))
        return utils.decorate(self.request, [pg], members=False, health=False)[0]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pg"] = self.get_pg()
        context["form_id"] = self.form_id or f"{self.url_name}_form"
        context["submit_url"] = reverse(URL + self.url_name, args=self.url_args())
        context["description"] = self.description
        context["wide"] = self.wide
        return context

    def url_args(self) -> list[str]:
        return [self.kwargs["pg_id"]]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["pg"] = self.get_pg()
        return kwargs

    def get_success_url(self):
        return utils.detail_url(self.kwargs["pg_id"], self.success_tab)

    def get_cancel_url(self):
        return utils.detail_url(self.kwargs["pg_id"])

    def get_success_url_from_handled(self, handled):
        if isinstance(handled, dict) and handled.get("url"):
            return handled["url"]
        return self.get_success_url()


class UpdateView(PGFormView):
    form_class = pg_forms.UpdateForm
    url_name = "update"
    modal_id = "update_protection_group_modal"
    page_title = _("Edit Protection Group {{ pg.name }}")
    submit_label = _("Save")
    description = _("Replication type, volume type and sites are fixed once the group "
                    "exists; create a new group to change them.")


class PolicyView(PGFormView):
    form_class = policy_forms.PolicyForm
    url_name = "policy"
    modal_id = "protection_group_policy_modal"
    page_title = _("Replication Policy of {{ pg.name }}")
    submit_label = _("Save")
    success_tab = "policy"
    description = _("The FlashArrays of the two sites, and how often and how long "
                    "snapshots are kept. API tokens are write-only: they are never shown, "
                    "and an empty token field keeps the current one.")

    @memoized.memoized_method
    def get_policy(self):
        try:
            return protector.policy_get(self.request, self.kwargs["pg_id"])
        except Exception:
            exceptions.handle(self.request, _("Unable to retrieve the replication policy."),
                              redirect=utils.detail_url(self.kwargs["pg_id"]))

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["policy"] = self.get_policy()
        return kwargs


class DetailView(tabs.TabbedTableView):
    tab_group_class = pg_tabs.DetailTabs
    template_name = "horizon/common/_detail.html"
    page_title = "{{ pg.name }}"

    @memoized.memoized_method
    def get_data(self) -> tuple[utils.PG, list]:
        site_list = utils.sites(self.request)
        try:
            pg = protector.pg_get(self.request, self.kwargs["pg_id"])
        except Exception:
            exceptions.handle(self.request, _("Unable to retrieve the protection group."),
                              redirect=reverse(URL + "index"))
        return utils.decorate(self.request, [pg], members=False,
                              site_list=site_list)[0], site_list

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pg, _sites = self.get_data()
        table = pg_tables.ProtectionGroupsTable(self.request)
        context["pg"] = pg
        context["url"] = reverse(URL + "index")
        context["actions"] = table.render_row_actions(pg)
        return context

    def get_tabs(self, request, *args, **kwargs):
        pg, site_list = self.get_data()
        return self.tab_group_class(request, pg=pg, site_list=site_list, **kwargs)
