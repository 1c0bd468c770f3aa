"""Replication policies: the FlashArrays, their API tokens and the RPO of a
protection group. The API masks the tokens in every response."""

from typing import Any

from protectorclient.v1.base import Manager, Resource, drop_none
from protectorclient.v1.protection_groups import pg_path

FIELDS = ("primary_fa_url", "primary_fa_api_token", "secondary_fa_url",
          "secondary_fa_api_token", "pure_pg_name", "rpo_minutes",
          "retention_short_term_seconds", "retention_per_day", "retention_days")


class PolicyManager(Manager):
    def _path(self, pg: str) -> str:
        return f"{pg_path(self.client, pg)}/policy"

    def get(self, pg: str) -> Resource:
        return self.client.get(self._path(pg))["policy"]

    def create(self, pg: str, *, primary_fa_url: str, primary_fa_api_token: str,
               secondary_fa_url: str, secondary_fa_api_token: str, rpo_minutes: int,
               **optional: Any) -> Resource:
        """``optional``: pure_pg_name, retention_short_term_seconds,
        retention_per_day, retention_days (the API fills in defaults)."""
        body = drop_none({"primary_fa_url": primary_fa_url,
                          "primary_fa_api_token": primary_fa_api_token,
                          "secondary_fa_url": secondary_fa_url,
                          "secondary_fa_api_token": secondary_fa_api_token,
                          "rpo_minutes": rpo_minutes, **optional})
        return self.client.post(self._path(pg), body)["policy"]

    def update(self, pg: str, **fields: Any) -> Resource:
        return self.client.put(self._path(pg), drop_none(fields))["policy"]

    def delete(self, pg: str) -> None:
        self.client.delete(self._path(pg))
