"""Sites: the two OpenStack clouds protector works between (admin only)."""

from typing import Any

from protectorclient.v1.base import Manager, Resource, ResourceList, drop_none, named_segment

SITE_TYPES = ("primary", "secondary")
INTERFACES = ("public", "internal", "admin")


class SiteManager(Manager):
    def _ref(self, site: str) -> str:
        return named_segment(self.client, site, "sites", "sites", "site")

    def list(self, *, name: str | None = None, site_type: str | None = None,
             status: str | None = None, limit: int | None = None,
             marker: str | None = None) -> ResourceList:
        return self._list("sites", "sites", name=name, site_type=site_type, status=status,
                          limit=limit, marker=marker)

    def get(self, site: str) -> Resource:
        """A site by name or id."""
        return self.client.get(f"sites/{self._ref(site)}")["site"]

    def create(self, *, name: str, site_type: str, auth_url: str,
               **fields: Any) -> Resource:
        """Register a site. ``fields``: description, region_name, interface,
        protector_url, service_username, service_password, service_project_name,
        service_user_domain_name, service_project_domain_name."""
        body = drop_none({"name": name, "site_type": site_type, "auth_url": auth_url,
                          **fields})
        return self.client.post("sites", body)["site"]

    def update(self, site: str, **fields: Any) -> Resource:
        return self.client.put(f"sites/{self._ref(site)}", drop_none(fields))["site"]

    def delete(self, site: str) -> None:
        self.client.delete(f"sites/{self._ref(site)}")

    def validate(self, site: str) -> Resource:
        """Reach the site's Keystone, Nova, Cinder and Neutron; the result has
        name, status, <service>_reachable and replicated_volume_types."""
        return self.client.post(f"sites/{self._ref(site)}/validate")["validation"]

    def volume_types(self, site: str) -> ResourceList:
        """The site's replication-enabled Cinder volume types."""
        return self.client.get(f"sites/{self._ref(site)}/volume-types")["volume_types"]

    def names(self) -> ResourceList:
        """Every site's id, name and whether it is the one answering (open to
        tenants, who see their PGs' sites by id)."""
        return self.client.get("site-names")["sites"]
