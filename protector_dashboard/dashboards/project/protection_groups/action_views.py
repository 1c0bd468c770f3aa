"""The DR actions' modal forms, and the member forms: add servers, set a
member's boot order."""

from django.utils.translation import gettext_lazy as _
from horizon import exceptions, messages
from horizon.utils import memoized

from protector_dashboard.api import protector
from protector_dashboard.dashboards.project.protection_groups import (
    action_forms,
    member_forms,
    utils,
)
from protector_dashboard.dashboards.project.protection_groups.views import PGFormView


class ActionView(PGFormView):
    """The site list goes to the form: it decides where the action is sent."""

    success_tab = "operations"

    @memoized.memoized_method
    def get_site_list(self) -> list[dict]:
        return utils.sites(self.request)

    @memoized.memoized_method
    def get_pg(self) -> utils.PG:
        try:
            pg = protector.pg_get(self.request, self.kwargs["pg_id"])
        except Exception:
            exceptions.handle(self.request, _("Unable to retrieve the protection group."),
                              redirect=utils.detail_url(self.kwargs["pg_id"]))
        return utils.decorate(self.request, [pg], members=False, health=False,
                              site_list=self.get_site_list())[0]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["site_list"] = self.get_site_list()
        return kwargs


class TestFailoverView(ActionView):
    form_class = action_forms.TestFailoverForm
    url_name = "test_failover"
    modal_id = "test_failover_modal"
    page_title = _("Test Failover of {{ pg.name }}")
    submit_label = _("Start Test Failover")
    description = _("A DR drill: the servers boot on the other site from a replicated "
                    "recovery point, on an isolated network or the mapped ones, while "
                    "the running servers are untouched. Clean Up Test removes exactly "
                    "what it created.")


class TestCleanupView(ActionView):
    form_class = action_forms.TestCleanupForm
    url_name = "test_cleanup"
    modal_id = "test_cleanup_modal"
    page_title = _("Clean Up the Test of {{ pg.name }}")
    submit_label = _("Clean Up")
    description = _("Deletes the servers, volumes and networks the last test failover "
                    "created on the other site, and nothing else.")


class FailoverView(ActionView):
    form_class = action_forms.FailoverForm
    url_name = "failover"
    modal_id = "failover_modal"
    page_title = _("Planned Failover of {{ pg.name }}")
    submit_label = _("Fail Over")
    description = _("Both sites are up: the servers stop here, replicate a last time "
                    "and boot on the other site with no data lost. Afterwards, "
                    "Reprotect replicates them back.")


class UnplannedFailoverView(ActionView):
    form_class = action_forms.UnplannedFailoverForm
    url_name = "unplanned_failover"
    modal_id = "unplanned_failover_modal"
    page_title = _("Unplanned Failover of {{ pg.name }}")
    submit_label = _("Fail Over Now")
    description = _("The site the group runs on is down: the servers boot on the DR "
                    "site from its newest (or the chosen) replicated point; changes "
                    "after it are lost. The request goes to the DR site's protector "
                    "(sign in there first if it is the peer). Servers that cannot come "
                    "up are left behind; fail over again to move them.")


class ReprotectView(ActionView):
    form_class = action_forms.ReprotectForm
    url_name = "reprotect"
    modal_id = "reprotect_modal"
    page_title = _("Reprotect {{ pg.name }}")
    submit_label = _("Reprotect")
    description = _("Replicates the failed-over servers back to the site they left and "
                    "retires the stale copy there, without moving the servers. Needed "
                    "before a failback.")


class FailbackView(ActionView):
    form_class = action_forms.FailbackForm
    url_name = "failback"
    modal_id = "failback_modal"
    page_title = _("Failback of {{ pg.name }}")
    submit_label = _("Fail Back")
    description = _("Moves the servers back to the group's primary site (after "
                    "Reprotect); the group ends active and protected.")


class SyncForceView(ActionView):
    form_class = action_forms.SyncForceForm
    url_name = "sync_force"
    modal_id = "sync_force_modal"
    page_title = _("Force Metadata Sync of {{ pg.name }}")
    submit_label = _("Force Sync")
    success_tab = "overview"
    description = _("Makes both sites' copies of the group's metadata (members, policy, "
                    "where it runs) equal to one site's copy. Use it when the sites "
                    "disagree, e.g. after an unplanned failover while the other site "
                    "was down.")


class AddMemberView(PGFormView):
    form_class = member_forms.AddMemberForm
    url_name = "add_member"
    modal_id = "add_member_modal"
    page_title = _("Add Servers to {{ pg.name }}")
    submit_label = _("Add Servers")
    success_tab = "members"
    wide = True
    description = _("Only servers booted from a volume can be protected. A volume "
                    "replicates when its volume type is the group's; the others are "
                    "not recreated on the other site.")


class BootOrderView(PGFormView):
    form_class = member_forms.BootOrderForm
    url_name = "member_boot_order"
    modal_id = "member_boot_order_modal"
    page_title = _("Set Boot Order")
    submit_label = _("Save")
    success_tab = "members"

    def url_args(self) -> list[str]:
        return [self.kwargs["pg_id"], self.kwargs["member_id"]]

    @memoized.memoized_method
    def get_member(self) -> dict:
        try:
            members = protector.member_list(self.request, self.kwargs["pg_id"])
        except Exception:
            exceptions.handle(self.request, _("Unable to retrieve the member."),
                              redirect=utils.detail_url(self.kwargs["pg_id"], "members"))
        for member in members:
            if self.kwargs["member_id"] in (member["id"], member.get("instance_id")):
                return member
        messages.error(self.request, _("No member %s in this protection group.")
                       % self.kwargs["member_id"])
        raise exceptions.Http302(utils.detail_url(self.kwargs["pg_id"], "members"))

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["member"] = self.get_member()
        return kwargs
