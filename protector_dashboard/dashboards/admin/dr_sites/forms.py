"""Registering and changing a site: the options of ``openstack protector site
create|set``. The service password is sent to the API and never shown."""

from typing import Any

from django.core import validators
from django.utils.translation import gettext_lazy as _
from horizon import exceptions, forms, messages

from protector_dashboard.api import protector

SITE_TYPES = (("primary", _("Primary")), ("secondary", _("Secondary")))
INTERFACES = (("public", _("Public")), ("internal", _("Internal")), ("admin", _("Admin")))
# The API's own URL pattern: Django's URLValidator would refuse host names
# without a dot (http://ctl:5000/v3), which are usual on a controller.
URL_VALIDATOR = validators.RegexValidator(
    r"^https?://[^\s/?#]+[^\s]*$", _("Enter an http:// or https:// URL, for example "
                                     "http://controller:5000/v3."))
CREDENTIALS = ("service_username", "service_password", "service_project_name",
               "service_user_domain_name", "service_project_domain_name")
OPTIONAL = ("description", "region_name", "interface", "protector_url", *CREDENTIALS)


def _url(label, required=True, help_text=""):
    return forms.CharField(label=label, max_length=255, required=required,
                           validators=[URL_VALIDATOR], help_text=help_text)


class SiteFields(forms.SelfHandlingForm):
    """The fields create and update share."""

    description = forms.CharField(label=_("Description"), max_length=255, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    auth_url = _url(_("Keystone auth URL"),
                    help_text=_("Keystone of the site, for example "
                                "http://controller:5000/v3."))
    region_name = forms.CharField(label=_("Region"), max_length=255, required=False)
    interface = forms.ChoiceField(label=_("Endpoint interface"), choices=INTERFACES,
                                  initial="public",
                                  help_text=_("The interface of the endpoints protector "
                                              "uses on the site."))
    protector_url = _url(_("Protector URL"), required=False,
                         help_text=_("Only when the site's catalog lists no protector "
                                     "endpoint, for example http://controller:8788/v1."))
    service_username = forms.CharField(
        label=_("Service user"), max_length=255, required=False,
        help_text=_("User protector acts as on this site (default: the "
                    "[keystone_authtoken] user of the protector service)."))
    service_password = forms.CharField(
        label=_("Service password"), max_length=4096, required=False, strip=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Stored encrypted, never shown."))
    service_project_name = forms.CharField(label=_("Service project"), max_length=255,
                                           required=False)
    service_user_domain_name = forms.CharField(label=_("Service user domain"),
                                               max_length=255, required=False,
                                               help_text=_("Default: Default"))
    service_project_domain_name = forms.CharField(label=_("Service project domain"),
                                                  max_length=255, required=False,
                                                  help_text=_("Default: Default"))

    no_autocomplete = True

    def _failed(self, request, exc_message: str | None = None) -> bool:
        if exc_message:
            self.api_error(exc_message)
        else:
            exceptions.handle(request, self.failure_message)
        return False


class CreateSiteForm(SiteFields):
    name = forms.CharField(label=_("Name"), max_length=255)
    site_type = forms.ChoiceField(label=_("Type"), choices=SITE_TYPES,
                                  help_text=_("The initial designation of the site."))
    field_order = ["name", "description", "site_type", "auth_url", "region_name",
                   "interface", "protector_url", *CREDENTIALS]
    failure_message = _("Unable to register the site.")

    def handle(self, request, data: dict[str, Any]):
        fields = {k: data[k] for k in OPTIONAL if data.get(k)}
        try:
            site = protector.site_create(request, name=data["name"],
                                         site_type=data["site_type"],
                                         auth_url=data["auth_url"], **fields)
        except protector.ProtectorError as exc:
            return self._failed(request, str(exc))
        except Exception:
            return self._failed(request)
        messages.success(request, _('Registered site "%s".') % site["name"])
        return True


class UpdateSiteForm(SiteFields):
    failure_message = _("Unable to change the site.")

    def __init__(self, request, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.site_id = self.initial["site_id"]
        if self.initial.get("service_password_set"):
            self.fields["service_password"].help_text = _(
                "A password is set: leave empty to keep it.")
        for name in CREDENTIALS:
            self.fields[name].help_text = self.fields[name].help_text or _(
                "Leave empty to keep the current value.")

    def changes(self, data: dict[str, Any]) -> dict[str, Any]:
        """What differs from the site as shown; an empty field keeps the
        current value, except the description, which may be cleared."""
        found = {}
        for name in ("auth_url", "region_name", "interface", "protector_url",
                     *CREDENTIALS):
            value = data.get(name)
            if value and value != self.initial.get(name):
                found[name] = value
        if (data.get("description") or "") != (self.initial.get("description") or ""):
            found["description"] = data.get("description") or ""
        return found

    def handle(self, request, data: dict[str, Any]):
        fields = self.changes(data)
        if not fields:
            messages.info(request, _("Nothing to change."))
            return True
        try:
            site = protector.site_update(request, self.site_id, **fields)
        except protector.ProtectorError as exc:
            return self._failed(request, str(exc))
        except Exception:
            return self._failed(request)
        messages.success(request, _('Changed site "%s".') % site["name"])
        return True
