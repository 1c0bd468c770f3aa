"""Create and edit a protection group."""

from typing import Any

from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from horizon import exceptions, forms, messages
from openstack_dashboard.api import cinder

from protector_dashboard.api import peers, protector
from protector_dashboard.dashboards.project.protection_groups import utils

MAPPING_HELP = {
    "network_mapping": _("One source=target per line: a network of the site the servers "
                         "leave, the network (name or ID) of the site they go to."),
    "flavor_mapping": _("One source=target per line: a flavor of the site the servers "
                        "leave, the flavor of the site they go to (default: the same "
                        "name)."),
}
MAPPING_LABELS = {"network_mapping": _("Network mapping"),
                  "flavor_mapping": _("Flavor mapping")}


class MappingForm(forms.SelfHandlingForm):
    """A form ending with the network and flavor mapping textareas, cleaned
    to dicts; a bad line is an error on its field naming the line."""

    mapping_help: dict[str, Any] = MAPPING_HELP

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("network_mapping", "flavor_mapping"):
            self.fields[name] = forms.CharField(
                label=MAPPING_LABELS[name], required=False, help_text=self.mapping_help[name],
                widget=forms.Textarea(attrs={"rows": 3, "placeholder": "source=target"}))

    def _mapping(self, name: str) -> dict[str, str]:
        try:
            return utils.parse_mapping(self.cleaned_data.get(name))
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_network_mapping(self) -> dict[str, str]:
        return self._mapping("network_mapping")

    def clean_flavor_mapping(self) -> dict[str, str]:
        return self._mapping("flavor_mapping")


def replicated(vtype: Any) -> bool | None:
    """True/False when the type's extra specs are visible, else None."""
    specs = getattr(vtype, "extra_specs", None)
    if not specs:
        return None
    flag = str(specs.get("replication_enabled", "")).replace(" ", "").lower()
    return flag == "<is>true"


class CreateForm(MappingForm):
    name = forms.CharField(label=_("Name"), max_length=255)
    description = forms.CharField(label=_("Description"), max_length=255, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    replication_type = forms.ChoiceField(
        label=_("Replication"), choices=(("async", _("Asynchronous (snapshots per RPO)")),
                                         ("sync", _("Synchronous (ActiveCluster pod)"))))
    volume_type = forms.ChoiceField(label=_("Volume type"))
    primary_site = forms.ChoiceField(label=_("Primary site"))
    secondary_site = forms.ChoiceField(label=_("Secondary site"))

    def __init__(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        site_list = utils.sites(request)
        choices = [(s["name"], s["name"]) for s in site_list]
        for field in ("primary_site", "secondary_site"):
            self.fields[field].choices = choices
            if not choices:
                self.fields[field].help_text = _("protector did not list its sites.")
        local = [s["name"] for s in site_list if s.get("local")]
        others = [s["name"] for s in site_list if not s.get("local")]
        if local:
            self.fields["primary_site"].initial = local[0]
        if others:
            self.fields["secondary_site"].initial = others[0]
        self._volume_types(request, others)

    def _volume_types(self, request: Any, peer_names: list[str]) -> None:
        field = self.fields["volume_type"]
        try:
            types = cinder.volume_type_list(request)
        except Exception:
            exceptions.handle(request, _("Unable to list this site's volume types."))
            field.choices = []
            field.help_text = _("Cinder did not list its volume types.")
            return
        # Types whose specs we see and that do not replicate cannot be used.
        usable = sorted((t for t in types if replicated(t) is not False),
                        key=lambda t: t.name)
        peer_types = self._peer_types(request, peer_names)
        choices = []
        for vtype in usable:
            notes = [str(_("replication enabled")) if replicated(vtype)
                     else str(_("replication not visible to you"))]
            for site, names in peer_types.items():
                notes.append(str(_("on %(site)s: %(yes)s") % {
                    "site": site, "yes": _("yes") if vtype.name in names else _("missing")}))
            choices.append((vtype.name, f"{vtype.name} ({'; '.join(notes)})"))
        field.choices = [("", _("Select a volume type"))] + choices
        unchecked = [s for s in peer_names if s not in peer_types]
        help_text = _("A volume type with replication_enabled='<is> True'. ")
        if unchecked:
            help_text += _("protector checks on create that %(sites)s has a volume type "
                           "of the same name.") % {"sites": ", ".join(unchecked)}
        field.help_text = escape(help_text)

    @staticmethod
    def _peer_types(request: Any, peer_names: list[str]) -> dict[str, set[str]]:
        """Replicated type names of each peer site the user is signed in to
        and protector describes to them; the others are left unchecked."""
        found = {}
        for site in peer_names:
            if not peers.signed_in(request, site):
                continue
            try:
                found[site] = {t["name"] for t in protector.site_volume_types(request, site)}
            except protector.ProtectorError:
                continue  # an admin-only listing: protector checks it on create
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("primary_site") and data.get("primary_site") == data.get("secondary_site"):
            self.add_error("secondary_site", _("The secondary site must differ from the "
                                               "primary site."))
        return data

    def handle(self, request: Any, data: dict[str, Any]) -> Any:
        try:
            pg = protector.pg_create(
                request, name=data["name"], description=data["description"] or None,
                replication_type=data["replication_type"], volume_type=data["volume_type"],
                primary_site=data["primary_site"], secondary_site=data["secondary_site"],
                network_mapping=data["network_mapping"] or None,
                flavor_mapping=data["flavor_mapping"] or None)
        except protector.ProtectorError as exc:
            self.api_error(str(exc))
            return False
        except Exception:
            exceptions.handle(request, _("Unable to create the protection group."))
            return False
        messages.success(request, _('Created protection group "%s".') % pg["name"])
        return pg


class UpdateForm(MappingForm):
    name = forms.CharField(label=_("Name"), max_length=255)
    description = forms.CharField(label=_("Description"), max_length=255, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, request: Any, *args: Any, pg: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.pg = pg
        self.fields["name"].initial = pg.get("name")
        self.fields["description"].initial = pg.get("description")
        for field in ("network_mapping", "flavor_mapping"):
            self.fields[field].initial = utils.format_mapping(pg.get(field))
            self.fields[field].help_text = escape(
                str(self.mapping_help[field]) + " "
                + str(_("Empty: no mapping. The whole mapping is replaced.")))

    def handle(self, request: Any, data: dict[str, Any]) -> Any:
        changes = {"name": data["name"], "description": data["description"]}
        # A mapping replaces the old one: send it only when it changed.
        for field in ("network_mapping", "flavor_mapping"):
            if data[field] != (self.pg.get(field) or {}):
                changes[field] = data[field]
        try:
            pg = protector.pg_update(request, self.pg["id"], **changes)
        except protector.ProtectorError as exc:
            self.api_error(str(exc))
            return False
        except Exception:
            exceptions.handle(request, _("Unable to update the protection group."))
            return False
        messages.success(request, _('Updated protection group "%s".') % pg["name"])
        return pg
