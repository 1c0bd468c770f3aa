"""The DR actions, with the CLI's options (protectorclient/osc/v1/action.py).
Each starts an operation and hands its page to the view; a refusal
(409: wrong state, the peer not answering ...) is the API's message on the
form."""

import logging
from typing import Any

from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from horizon import exceptions, forms, messages

from protector_dashboard import common
from protector_dashboard.api import peers, protector
from protector_dashboard.dashboards.project.protection_groups import forms as pg_forms
from protector_dashboard.dashboards.project.protection_groups import utils

LOG = logging.getLogger(__name__)
ACTION_MAPPING_HELP = {
    key: str(text) + " " + str(_("For this operation only; empty: the protection "
                                 "group's own mappings."))
    for key, text in pg_forms.MAPPING_HELP.items()}


def recovery_point_field(request: Any, pg_id: str, site: str | None) -> forms.ChoiceField:
    """The points on the target array, newest first; only the blank choice
    (the newest complete point) with the reason when they cannot be listed."""
    field = forms.ChoiceField(label=_("Recovery point"), required=False)
    choices = [("", _("Newest complete point"))]
    try:
        found = protector.pg_recovery_points(request, pg_id, site=site)
    except Exception as exc:  # any failure: the blank choice still works
        LOG.info("recovery points of %s not listed: %s", pg_id, exc)
        field.help_text = escape(str(_("Recovery points cannot be listed now: %s")) % exc)
    else:
        for point in found.get("recovery_points") or []:
            state = (_("complete") if point.get("complete") else
                     _("in progress %s %%") % (point.get("progress") or 0))
            old = str(_("%s old")) % common.age(point.get("age_seconds"))
            choices.append((point["name"], f"{point['name']} ({old}, {state})"))
        field.help_text = escape(str(_("Snapshots on the array of %s, newest first."))
                                 % found.get("site", "?"))
    field.choices = choices
    return field


class ActionForm(pg_forms.MappingForm):
    """Starts one DR operation on the site ``self.site`` (None: this one)."""

    verb: Any = ""
    with_mappings = False
    mapping_help = ACTION_MAPPING_HELP

    def __init__(self, request: Any, *args: Any, pg: dict[str, Any],
                 site_list: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.pg, self.site_list = pg, site_list
        self.site: str | None = None
        if not self.with_mappings:
            del self.fields["network_mapping"], self.fields["flavor_mapping"]

    def mappings(self, data: dict[str, Any]) -> dict[str, Any]:
        return {"network_mapping": data.get("network_mapping") or None,
                "flavor_mapping": data.get("flavor_mapping") or None}

    def start(self, request: Any, data: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def success_message(self, result: dict[str, Any]) -> str:
        return str(_("%(verb)s of %(pg)s started: operation %(id)s.")
                   % {"verb": self.verb, "pg": self.pg["name"], "id": result["id"]})

    def success_url(self, result: dict[str, Any]) -> str:
        return (utils.operation_url(result["id"], self.site)
                or utils.detail_url(self.pg["id"], "operations"))

    def handle(self, request: Any, data: dict[str, Any]) -> Any:
        try:
            result = self.start(request, data)
        except protector.ProtectorError as exc:
            self.api_error(str(exc))
            return False
        except Exception:
            exceptions.handle(request, _("Unable to start %s.") % self.verb)
            return False
        messages.success(request, self.success_message(result))
        return {"url": self.success_url(result)}


class TestFailoverForm(ActionForm):
    verb = _("Test failover")
    with_mappings = True

    def __init__(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["network_choice"] = forms.ChoiceField(
            label=_("Test network"), widget=forms.RadioSelect,
            choices=(("auto", _("An isolated network created for the test")),
                     ("mapping", _("The networks of the mapping"))),
            initial="mapping" if self.pg.get("network_mapping") else "auto")
        self.fields["recovery_point"] = recovery_point_field(request, self.pg["id"], None)
        self.order_fields(["network_choice", "network_mapping", "flavor_mapping",
                           "recovery_point"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        auto = data.get("network_choice") == "auto"
        if auto and data.get("network_mapping"):
            self.add_error("network_mapping", _("Either an isolated test network or a "
                                                "network mapping: empty this field or "
                                                "choose the mapping."))
        elif (data.get("network_choice") == "mapping" and "network_mapping" in data
              and not data["network_mapping"] and not self.pg.get("network_mapping")):
            self.add_error("network_mapping", _("The protection group has no network "
                                                "mapping: give one here, or choose an "
                                                "isolated test network."))
        return data

    def start(self, request: Any, data: dict[str, Any]) -> dict[str, Any]:
        return protector.pg_test_failover(
            request, self.pg["id"], auto_network=data["network_choice"] == "auto",
            recovery_point=data.get("recovery_point") or None, **self.mappings(data))


class TestCleanupForm(ActionForm):
    verb = _("Test cleanup")

    def start(self, request: Any, data: dict[str, Any]) -> dict[str, Any]:
        return protector.pg_test_cleanup(request, self.pg["id"])


class FailoverForm(ActionForm):
    verb = _("Planned failover")
    with_mappings = True

    def start(self, request: Any, data: dict[str, Any]) -> dict[str, Any]:
        return protector.pg_failover(request, self.pg["id"], unplanned=False,
                                     **self.mappings(data))


class UnplannedFailoverForm(ActionForm):
    """Sent to the DR site: the one the PG does not run on (for a partial
    failover, the one it runs on), which may be the peer."""

    verb = _("Unplanned failover")
    with_mappings = True

    def __init__(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.route_error: str | None = None
        try:
            self.site = utils.route(self.site_list, utils.dr_site_id(self.pg))
        except protector.ProtectorError as exc:
            self.route_error = str(exc)
            self.warnings = self.route_error
        if self.site and not peers.signed_in(request, self.site):
            self.warnings = str(peers.SignInRequired(self.site))
        self.fields["recovery_point"] = recovery_point_field(request, self.pg["id"],
                                                             self.site)
        self.fields["confirm"] = forms.CharField(
            label=_("Type the protection group's name to confirm"), max_length=255,
            help_text=escape(str(_("The servers come up on the DR site from its last "
                                   "replicated point; what changed after it is lost."))))
        self.order_fields(["network_mapping", "flavor_mapping", "recovery_point",
                           "confirm"])

    def clean_confirm(self) -> str:
        typed = self.cleaned_data["confirm"].strip()
        if typed != self.pg["name"]:
            raise forms.ValidationError(_("Type the protection group's name, %(name)s, to "
                                          "confirm") % {"name": self.pg["name"]})
        return typed

    def start(self, request: Any, data: dict[str, Any]) -> dict[str, Any]:
        if self.route_error:
            raise protector.ProtectorError(self.route_error)
        return protector.pg_failover(request, self.pg["id"], site=self.site, unplanned=True,
                                     recovery_point=data.get("recovery_point") or None,
                                     **self.mappings(data))


class ReprotectForm(ActionForm):
    verb = _("Reprotect")

    def start(self, request: Any, data: dict[str, Any]) -> dict[str, Any]:
        return protector.pg_reprotect(request, self.pg["id"])


class FailbackForm(ActionForm):
    verb = _("Failback")
    with_mappings = True

    def start(self, request: Any, data: dict[str, Any]) -> dict[str, Any]:
        return protector.pg_failback(request, self.pg["id"], **self.mappings(data))


class SyncForceForm(ActionForm):
    """Not an operation: the API answers with the new sync status."""

    verb = _("Metadata sync")

    def __init__(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        names = {s["id"]: s["name"] for s in self.site_list}
        mine = [names[i] for i in (self.pg.get("primary_site_id"),
                                   self.pg.get("secondary_site_id")) if i in names]
        here = names.get(self.pg.get("current_primary_site_id"), _("the site it runs on"))
        self.fields["source"] = forms.ChoiceField(
            label=_("Authoritative copy"), required=False,
            choices=[("", _("Where it runs now (%s)") % here)] + [(n, n) for n in mine],
            help_text=_("Both sites' metadata become this site's copy, at a version "
                        "above both."))

    def start(self, request: Any, data: dict[str, Any]) -> dict[str, Any]:
        return protector.pg_sync_force(request, self.pg["id"],
                                       source=data.get("source") or None)

    def success_message(self, result: dict[str, Any]) -> str:
        return str(_("Metadata of %(pg)s forced: %(status)s (version %(version)s here, "
                     "%(peer)s on the peer).")
                   % {"pg": self.pg["name"], "status": result.get("status"),
                      "version": result.get("local_version"),
                      "peer": result.get("peer_version")})

    def success_url(self, result: dict[str, Any]) -> str:
        return utils.detail_url(self.pg["id"], "overview")
