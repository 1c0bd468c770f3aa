"""A protection group's replication policy: the two FlashArrays, their API
tokens (write-only: never rendered, empty on update = unchanged), the RPO
and the snapshot retention."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from horizon import exceptions, forms, messages

from protector_dashboard.api import protector

URL_RE = r"^https?://[^\s/?#]+[^\s]*$"
TOKENS = ("primary_fa_api_token", "secondary_fa_api_token")
# Ranges of the API's schema (the FlashArray's): retention 60 s .. 400 days.
NUMBERS = ("rpo_minutes", "retention_short_term_seconds", "retention_per_day",
           "retention_days")


def _token(label: Any) -> forms.CharField:
    return forms.CharField(label=label, max_length=4096, required=False,
                           widget=forms.PasswordInput(render_value=False))


def _url(label: Any) -> forms.RegexField:
    return forms.RegexField(label=label, regex=URL_RE, max_length=255,
                            error_messages={"invalid": _("Give an http(s):// URL.")},
                            widget=forms.TextInput(attrs={"placeholder": "https://"}))


class PolicyForm(forms.SelfHandlingForm):
    primary_fa_url = _url(_("Primary FlashArray URL"))
    primary_fa_api_token = _token(_("Primary FlashArray API token"))
    secondary_fa_url = _url(_("Secondary FlashArray URL"))
    secondary_fa_api_token = _token(_("Secondary FlashArray API token"))
    pure_pg_name = forms.RegexField(
        label=_("Array protection group name"), required=False, max_length=63,
        regex=r"^[A-Za-z0-9][-A-Za-z0-9]*$",
        help_text=_("Name of the protection group (or pod) on the arrays; default: "
                    "derived from this one's id."),
        error_messages={"invalid": _("Letters, digits and '-', starting with a letter "
                                     "or digit.")})
    rpo_minutes = forms.IntegerField(label=_("RPO (minutes)"), min_value=1, max_value=1440,
                                     initial=15, help_text=_("Replicate at least this "
                                                             "often."))
    retention_short_term_seconds = forms.IntegerField(
        label=_("Keep every snapshot for (seconds)"), min_value=60, max_value=34560000,
        required=False, help_text=_("Default 14400 (4 hours)."))
    retention_per_day = forms.IntegerField(
        label=_("Then keep per day"), min_value=0, max_value=1440, required=False,
        help_text=_("Snapshots kept per day after that; default 3."))
    retention_days = forms.IntegerField(label=_("For days"), min_value=0, max_value=4000,
                                        required=False, help_text=_("Default 7."))

    def __init__(self, request: Any, *args: Any, pg: dict[str, Any],
                 policy: dict[str, Any] | None, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.pg, self.policy = pg, policy
        if policy is None:
            for name in TOKENS:
                self.fields[name].required = True
            return
        for name, field in self.fields.items():
            if name in TOKENS:
                # Never prefilled: the API masks them, and a token is a secret.
                field.help_text = _("Leave empty to keep the current token.")
            elif policy.get(name) is not None:
                field.initial = policy[name]

    def _changes(self, data: dict[str, Any]) -> dict[str, Any]:
        values = {k: v for k, v in data.items() if v not in (None, "")}
        if self.policy is None:
            return values
        return {k: v for k, v in values.items()
                if k in TOKENS or self.policy.get(k) != v}

    def handle(self, request: Any, data: dict[str, Any]) -> bool:
        changes = self._changes(data)
        try:
            if self.policy is None:
                protector.policy_create(request, self.pg["id"], **changes)
            elif changes:
                protector.policy_update(request, self.pg["id"], **changes)
        except protector.ProtectorError as exc:
            self.api_error(str(exc))
            return False
        except Exception:
            exceptions.handle(request, _("Unable to save the replication policy."))
            return False
        if self.policy is not None and not changes:
            messages.info(request, _("Nothing changed in the replication policy."))
        else:
            messages.success(request, _("Saved the replication policy of %s.")
                             % self.pg["name"])
        return True
