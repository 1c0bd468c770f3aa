"""Signing in to (and out of) the peer site's Keystone."""

import logging

from django.utils.translation import gettext_lazy as _
from horizon import exceptions, forms, messages

from protector_dashboard.api import peers, protector

LOG = logging.getLogger(__name__)


class SignInForm(forms.SelfHandlingForm):
    username = forms.CharField(label=_("User name"), max_length=255)
    # The password goes to the peer's Keystone only and is never re-rendered.
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(render_value=False))
    user_domain_name = forms.CharField(label=_("User domain"), max_length=255)
    project_name = forms.CharField(label=_("Project"), max_length=255,
                                   help_text=_("Your project on that site (it may have "
                                               "another name or id than this one)."))
    project_domain_name = forms.CharField(label=_("Project domain"), max_length=255)

    no_autocomplete = True

    def __init__(self, request, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.site = self.initial["site"]

    def handle(self, request, data):
        try:
            peers.sign_in(request, self.site, username=data["username"],
                          password=data["password"],
                          user_domain_name=data["user_domain_name"],
                          project_name=data["project_name"],
                          project_domain_name=data["project_domain_name"])
        except protector.ProtectorError as exc:
            # Refused password, unknown project, unreachable Keystone: say so
            # on the form, where the user can correct it.
            self.api_error(str(exc))
            return False
        except Exception:
            exceptions.handle(request, _("Unable to sign in to site %s.") % self.site)
            return False
        messages.success(request, _("Signed in to site %(site)s as %(user)s.")
                         % {"site": self.site, "user": data["username"]})
        return True


class SignOutForm(forms.SelfHandlingForm):
    def __init__(self, request, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.site = self.initial["site"]

    def handle(self, request, data):
        try:
            peers.sign_out(request, self.site)
        except Exception:
            exceptions.handle(request, _("Unable to sign out of site %s.") % self.site)
            return False
        messages.success(request, _("Signed out of site %s.") % self.site)
        return True
