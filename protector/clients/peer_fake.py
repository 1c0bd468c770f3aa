"""In-memory twin of the peer site's protector, for tests that run one site.

It keeps what a peer would: PG documents with the accept-newer /
ignore-equal / refuse-older rule, and tenant-mapping mirrors. Tests can
take it down (``reachable = False``) or make it refuse writes.
"""

import copy
from typing import Any

from protector.clients import peer as peer_client
from protector.sync import delta


class FakePeerSite:
    def __init__(self, name: str) -> None:
        self.name = name
        self.reachable = True
        self.refuse_writes = False
        self.documents: dict[str, tuple[str, dict]] = {}   # pg id -> (project, doc)
        self.mirrors: dict[str, dict] = {}                  # mapping id -> mirror
        self.trusts: dict[str, str] = {}                    # project -> trust id
        self.received: list[dict] = []                      # every document, as sent


class FakePeerClient:
    def __init__(self, site: Any, store: FakePeerSite) -> None:
        self.site = site
        self.store = store

    def _up(self) -> None:
        if not self.store.reachable:
            raise peer_client.PeerUnreachable(
                reason=peer_client.PeerClient.unreachable_message(self, "connection refused"))

    def check_reachable(self) -> None:
        self._up()

    def get_metadata(self, project_id: str, pg_id: str) -> dict | None:
        self._up()
        found = self.store.documents.get(pg_id)
        return copy.deepcopy(found[1]) if found and found[0] == project_id else None

    def get_version(self, project_id: str, pg_id: str) -> int | None:
        self._up()
        found = self.store.documents.get(pg_id)
        return found[1]["metadata_version"] if found and found[0] == project_id else None

    def put_metadata(self, project_id: str, document: dict, force: bool = False) -> dict:
        self._up()
        if self.store.refuse_writes:
            raise peer_client.PeerError(500, f"site {self.site.name}: write failed")
        current = self.store.documents.get(document["id"])
        version = document["metadata_version"]
        self.store.received.append(document)
        if "base_version" in document and not (current and version == current[1][
                "metadata_version"]):
            # As the real peer: a delta applies onto its base version only.
            if current is None or current[1]["metadata_version"] != document["base_version"]:
                raise peer_client.PeerError(409, f"site {self.site.name}: not at the base "
                                                 "version of this delta")
            document = delta.patch(current[1], document)
        if current and not force:
            if version == current[1]["metadata_version"]:
                return {"id": document["id"], "result": "unchanged",
                        "metadata_version": version}
            if version < current[1]["metadata_version"]:
                raise peer_client.PeerError(409, f"site {self.site.name}: older version")
        if document.get("deleted"):
            self.store.documents.pop(document["id"], None)
            return {"id": document["id"], "result": "deleted", "metadata_version": version}
        self.store.documents[document["id"]] = (project_id, copy.deepcopy(document))
        return {"id": document["id"], "result": "applied", "metadata_version": version}

    def get_trust(self, project_id: str) -> dict:
        self._up()
        if project_id not in self.store.trusts:
            raise peer_client.PeerError(404, f"site {self.site.name}: no trust for "
                                             f"project {project_id}")
        return {"project_id": project_id, "trust_id": self.store.trusts[project_id]}

    def put_tenant_mapping(self, mapping_id: str, mirror: dict) -> None:
        self._up()
        if self.store.refuse_writes:
            raise peer_client.PeerError(500, f"site {self.site.name}: write failed")
        if mirror.get("deleted"):
            self.store.mirrors.pop(mapping_id, None)
        else:
            self.store.mirrors[mapping_id] = dict(mirror)


class FakePeers:
    """Registry used in place of ``peer.get_client``: one store per site name."""

    def __init__(self) -> None:
        self.sites: dict[str, FakePeerSite] = {}

    def __getitem__(self, name: str) -> FakePeerSite:
        return self.sites.setdefault(name, FakePeerSite(name))

    def get_client(self, site: Any) -> FakePeerClient:
        return FakePeerClient(site, self[site.name])
