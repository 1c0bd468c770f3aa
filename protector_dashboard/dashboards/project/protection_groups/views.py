from django.utils.translation import gettext_lazy as _
from horizon import exceptions, tables

from protector_dashboard.api import protector
from protector_dashboard.dashboards.project.protection_groups import tables as pg_tables
from protector_dashboard.dashboards.project.protection_groups import utils


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
