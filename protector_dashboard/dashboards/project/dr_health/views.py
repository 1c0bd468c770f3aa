from django.utils.translation import gettext_lazy as _
from horizon import exceptions, tables

from protector_dashboard.api import protector
from protector_dashboard.dashboards.project.dr_health import tables as health_tables
from protector_dashboard.dashboards.project.dr_health import utils


class IndexView(tables.DataTableView):
    table_class = health_tables.HealthTable
    template_name = "project/dr_health/index.html"
    page_title = _("Health")

    def get_data(self):
        self._components = None
        try:
            health = protector.health(self.request)
        except Exception:
            # An API older than microversion 1.2 (no /health) or one that
            # does not answer: the message says which.
            exceptions.handle(self.request, _("Unable to get the protection groups' "
                                              "health."))
            return []
        self._components = health.get("components") or {}
        return [health_tables.Entry(e) for e in health.get("protection_groups") or []
                if isinstance(e, dict) and e.get("protection_group_id")]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        components = getattr(self, "_components", None)
        context["components"] = sorted(components.items()) if components else []
        context["components_known"] = components is not None
        context["legend"] = utils.LEGEND
        return context
