"""Creating and changing a tenant mapping; protector mirrors it to the peer."""

from typing import Any

from django.core import validators
from django.utils.translation import gettext_lazy as _
from horizon import exceptions, forms, messages

from protector_dashboard.api import protector
from protector_dashboard.dashboards.admin.tenant_mappings import utils

# The API's project id pattern (Keystone ids, or other back ends' shapes).
PROJECT_ID = validators.RegexValidator(
    r"^[A-Za-z0-9_-]{1,64}$", _("A project ID is 1 to 64 letters, digits, '_' or '-'."))


class ProjectField(forms.ChoiceField):
    """The projects Keystone lists, and any other well-formed project id
    (one beyond the listed page, or not visible to this admin)."""

    def valid_value(self, value):
        return super().valid_value(value) or bool(value) and _matches(value)


def _matches(value: str) -> bool:
    try:
        PROJECT_ID(value)
    except forms.ValidationError:
        return False
    return True


def _failed(form: forms.SelfHandlingForm, request: Any, exc: Exception,
            message: str) -> bool:
    if isinstance(exc, protector.ProtectorError):
        form.api_error(str(exc))  # the API's reason, on the form
    else:
        exceptions.handle(request, message)
    return False


class CreateMappingForm(forms.SelfHandlingForm):
    local_tenant = ProjectField(label=_("Local project"), required=False,
                                validators=[PROJECT_ID])
    local_tenant_id = forms.CharField(
        label=_("Or a local project ID"), required=False, validators=[PROJECT_ID],
        help_text=_("For a project the list does not show."))
    remote_site = forms.ChoiceField(label=_("Remote site"))
    remote_tenant = forms.CharField(
        label=_("Remote project ID"), validators=[PROJECT_ID],
        help_text=_("The id of the project on the remote site."))
    description = forms.CharField(label=_("Description"), max_length=255, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, request, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["local_tenant"].choices = [("", _("Select a project"))] + [
            (p.id, f"{p.name} ({p.id})") for p in utils.projects(request)]
        self.fields["remote_site"].choices = self._remote_sites(request)

    @staticmethod
    def _remote_sites(request: Any) -> list[tuple[str, str]]:
        try:
            names = [s["name"] for s in protector.site_list(request)]
        except Exception:
            exceptions.handle(request, _("Unable to list sites."))
            names = []
        _ids, local = utils.sites(request)
        choices = [(n, n) for n in names if n != local]  # the other site only
        return choices or [("", _("No remote site registered"))]

    def clean(self):
        data = super().clean()
        chosen = data.get("local_tenant_id") or data.get("local_tenant")
        if not chosen and not {"local_tenant", "local_tenant_id"} & set(self.errors):
            self.add_error("local_tenant", _("Select a local project or enter its ID."))
        data["local_tenant"] = chosen
        return data

    def handle(self, request, data: dict[str, Any]):
        try:
            mapping = protector.tenant_mapping_create(
                request, local_tenant=data["local_tenant"], remote_site=data["remote_site"],
                remote_tenant=data["remote_tenant"], description=data["description"] or None)
        except Exception as exc:
            return _failed(self, request, exc, _("Unable to create the mapping."))
        messages.success(request, _("Mapped project %(local)s to %(remote)s on %(site)s.")
                         % {"local": mapping.get("local_tenant"),
                            "remote": mapping.get("remote_tenant"),
                            "site": data["remote_site"]})
        return True


class UpdateMappingForm(forms.SelfHandlingForm):
    remote_tenant = forms.CharField(label=_("Remote project ID"), validators=[PROJECT_ID])
    description = forms.CharField(label=_("Description"), max_length=255, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, request, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.mapping_id = self.initial["mapping_id"]

    def handle(self, request, data: dict[str, Any]):
        fields = {}
        if data["remote_tenant"] != self.initial.get("remote_tenant"):
            fields["remote_tenant"] = data["remote_tenant"]
        if (data["description"] or "") != (self.initial.get("description") or ""):
            fields["description"] = data["description"] or ""
        if not fields:
            messages.info(request, _("Nothing to change."))
            return True
        try:
            protector.tenant_mapping_update(request, self.mapping_id, **fields)
        except Exception as exc:
            return _failed(self, request, exc, _("Unable to change the mapping."))
        messages.success(request, _("Changed the mapping."))
        return True
