"""Add servers to a protection group (a picker that says, per volume,
whether it will replicate) and set a member's boot order."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from horizon import exceptions, forms, messages
from openstack_dashboard.api import cinder, nova

from protector_dashboard.api import protector

BOOT_ORDER_HELP = _("Servers boot on failover in this order, lowest first (default 1); "
                    "servers with the same number boot together.")


def boots_from_image(server: Any) -> bool:
    """Nova's ``image`` is empty for a server booted from a volume."""
    image = getattr(server, "image", None)
    return bool(image.get("id") if isinstance(image, dict) else image)


def attached_volumes(volumes: list[Any]) -> dict[str, list[Any]]:
    """Volumes by the id of each server they are attached to."""
    found: dict[str, list[Any]] = {}
    for volume in volumes:
        for attachment in getattr(volume, "attachments", None) or []:
            if attachment.get("server_id"):
                found.setdefault(attachment["server_id"], []).append(volume)
    return found


def volume_note(volume: Any, pg_type: str) -> str:
    name = getattr(volume, "name", None) or volume.id
    vtype = getattr(volume, "volume_type", None)
    if vtype == pg_type:
        return str(_("%(volume)s: replicated") % {"volume": name})
    return str(_("%(volume)s: not replicated: volume type %(type)s is not the PG's "
                 "%(pg_type)s") % {"volume": name, "type": vtype or _("(none)"),
                                   "pg_type": pg_type})


def server_label(server: Any, volumes: list[Any] | None, pg_type: str) -> str:
    """'web: not protectable: ...' or 'db: vol-1: replicated; ...'."""
    if boots_from_image(server):
        note = str(_("not protectable: boots from an image, not a volume"))
    elif volumes is None:
        note = str(_("volumes unknown (Cinder did not list them)"))
    elif not volumes:
        note = str(_("no volumes attached"))
    else:
        note = "; ".join(volume_note(v, pg_type) for v in sorted(
            volumes, key=lambda v: getattr(v, "name", None) or v.id))
    return f"{server.name}: {note}"


class AddMemberForm(forms.SelfHandlingForm):
    servers = forms.MultipleChoiceField(
        label=_("Servers"), widget=forms.CheckboxSelectMultiple,
        help_text=_("The project's servers that are not members yet. A volume replicates "
                    "when its volume type is the protection group's."))
    boot_order = forms.IntegerField(label=_("Boot order"), min_value=1, required=False,
                                    help_text=BOOT_ORDER_HELP)

    def __init__(self, request: Any, *args: Any, pg: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.pg = pg
        self.candidates: dict[str, Any] = {}
        choices = []
        volumes = self._volumes(request)
        for server in self._servers(request):
            self.candidates[server.id] = server
            mine = None if volumes is None else volumes.get(server.id, [])
            choices.append((server.id, server_label(server, mine, pg.get("volume_type"))))
        self.fields["servers"].choices = choices
        if not choices:
            self.warnings = _("No server of this project can be added: every one is a "
                              "member already, or Nova did not list them.")

    def _servers(self, request: Any) -> list[Any]:
        try:
            servers, _more = nova.server_list(request)
        except Exception:
            exceptions.handle(request, _("Unable to list the project's servers."))
            return []
        try:
            members = {m["instance_id"] for m in protector.member_list(request, self.pg["id"])}
        except Exception:
            exceptions.handle(request, _("Unable to list the members; the API refuses a "
                                         "server that is one already."))
            members = set()
        return sorted((s for s in servers if s.id not in members), key=lambda s: s.name)

    @staticmethod
    def _volumes(request: Any) -> dict[str, list[Any]] | None:
        try:
            return attached_volumes(cinder.volume_list(request))
        except Exception:
            exceptions.handle(request, _("Unable to list the project's volumes."))
            return None

    def clean_servers(self) -> list[str]:
        chosen = self.cleaned_data["servers"]
        bad = [self.candidates[s].name for s in chosen if boots_from_image(self.candidates[s])]
        if bad:
            raise forms.ValidationError(
                _("%(servers)s cannot be protected: a server that boots from an image, not "
                  "a volume, cannot be rebuilt on the other site.")
                % {"servers": ", ".join(bad)})
        return chosen

    def handle(self, request: Any, data: dict[str, Any]) -> bool:
        added, failed = [], []
        for server_id in data["servers"]:
            server = self.candidates[server_id]
            try:
                protector.member_add(request, self.pg["id"], server_id,
                                     instance_name=server.name,
                                     boot_order=data.get("boot_order"))
            except protector.ProtectorError as exc:
                failed.append(f"{server.name}: {exc}")
                continue
            except Exception:
                exceptions.handle(request, _("Unable to add %s.") % server.name)
                failed.append(server.name)
                continue
            added.append(server.name)
        if not added:
            self.api_error(_("No server was added: %s") % "; ".join(failed))
            return False
        messages.success(request, _("Adding to %(pg)s (replication starts in the "
                                    "background): %(servers)s.")
                         % {"pg": self.pg["name"], "servers": ", ".join(added)})
        for failure in failed:
            messages.error(request, _("Not added: %s") % failure)
        return True


class BootOrderForm(forms.SelfHandlingForm):
    boot_order = forms.IntegerField(label=_("Boot order"), min_value=1,
                                    help_text=BOOT_ORDER_HELP)

    def __init__(self, request: Any, *args: Any, pg: dict[str, Any],
                 member: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.pg, self.member = pg, member
        self.fields["boot_order"].initial = member.get("boot_order")

    def handle(self, request: Any, data: dict[str, Any]) -> bool:
        name = self.member.get("instance_name") or self.member.get("instance_id")
        try:
            protector.member_update(request, self.pg["id"], self.member["id"],
                                    boot_order=data["boot_order"])
        except protector.ProtectorError as exc:
            self.api_error(str(exc))
            return False
        except Exception:
            exceptions.handle(request, _("Unable to set the boot order."))
            return False
        messages.success(request, _("%(server)s boots in position %(n)d.")
                         % {"server": name, "n": data["boot_order"]})
        return True
