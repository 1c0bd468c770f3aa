"""The sites protector works between, as the administrator registers them."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from horizon import exceptions, tables

from protector_dashboard.api import protector

STATUS_CHOICES = (("active", True), ("unreachable", False), ("error", False))
STATUS_DISPLAY = (("active", _("Active")), ("unreachable", _("Unreachable")),
                  ("error", _("Error")), ("unknown", _("Not validated")))
TYPE_DISPLAY = (("primary", _("Primary")), ("secondary", _("Secondary")))


class Record(dict):
    """An API record with attribute access (``site.name``) for the tables."""

    def __getattr__(self, key: str) -> Any:
        try:
            return self[key]
        except KeyError as exc:
            raise AttributeError(key) from exc


class CreateSite(tables.LinkAction):
    name = "create"
    verbose_name = _("Register Site")
    url = "horizon:admin:dr_admin_sites:create"
    classes = ("ajax-modal",)
    icon = "plus"
    policy_rules = (("protector", "protector:sites:create"),)


class UpdateSite(tables.LinkAction):
    name = "update"
    verbose_name = _("Edit Site")
    url = "horizon:admin:dr_admin_sites:update"
    classes = ("ajax-modal",)
    icon = "pencil"
    policy_rules = (("protector", "protector:sites:update"),)


class ValidateSite(tables.LinkAction):
    name = "validate"
    verbose_name = _("Validate")
    url = "horizon:admin:dr_admin_sites:validate"
    icon = "check"
    policy_rules = (("protector", "protector:sites:validate"),)


class VolumeTypes(tables.LinkAction):
    name = "volume_types"
    verbose_name = _("Replicated Volume Types")
    url = "horizon:admin:dr_admin_sites:detail"
    icon = "hdd-o"
    policy_rules = (("protector", "protector:sites:volume_types"),)


class DeleteSite(tables.DeleteAction):
    policy_rules = (("protector", "protector:sites:delete"),)
    help_text = _("A site that a protection group or a tenant mapping uses cannot be "
                  "deleted.")

    @staticmethod
    def action_present(count):
        return ngettext_lazy("Delete Site", "Delete Sites", count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy("Deleted Site", "Deleted Sites", count)

    def delete(self, request, obj_id):
        try:
            protector.site_delete(request, obj_id)
        except Exception:
            # The API's own reason (409: in use by ...) as the message, once.
            exceptions.handle(request, escalate=True)


class SitesTable(tables.DataTable):
    name = tables.WrappingColumn("name", verbose_name=_("Name"),
                                 link="horizon:admin:dr_admin_sites:detail")
    site_type = tables.Column("site_type", verbose_name=_("Type"),
                              display_choices=TYPE_DISPLAY)
    status = tables.Column("status", verbose_name=_("Status"), status=True,
                           status_choices=STATUS_CHOICES, display_choices=STATUS_DISPLAY)
    auth_url = tables.Column("auth_url", verbose_name=_("Keystone auth URL"))
    region_name = tables.Column("region_name", verbose_name=_("Region"))
    description = tables.WrappingColumn("description", verbose_name=_("Description"))

    class Meta:
        name = "dr_admin_sites"
        verbose_name = _("Sites")
        status_columns = ["status"]
        table_actions = (CreateSite, DeleteSite)
        row_actions = (ValidateSite, UpdateSite, VolumeTypes, DeleteSite)


class VolumeTypesTable(tables.DataTable):
    name = tables.Column("name", verbose_name=_("Name"))
    replication_type = tables.Column("replication_type", verbose_name=_("Replication"))
    backend = tables.Column("volume_backend_name", verbose_name=_("Back end"))
    type_id = tables.Column("id", verbose_name=_("ID"))

    class Meta:
        name = "dr_site_volume_types"
        verbose_name = _("Replicated Volume Types")
