"""The array itself and its connections to other arrays."""

from __future__ import annotations

from protector.storage.simulator.errors import (
    already_exists,
    bad_request,
    does_not_exist,
)
from protector.storage.simulator.state import views
from protector.storage.simulator.state.core import ArrayCore

CONNECTION_TYPES = ("async-replication", "sync-replication")


class ConnectionOps(ArrayCore):
    def get_arrays(self) -> list[dict]:
        return [views.array(self)]

    def get_array_connections(
        self, *, names: list[str] | None, remote_names: list[str] | None
    ) -> list[dict]:
        peers = sorted(self.fabric.peers_of(self.name))
        for wanted in (names or []) + (remote_names or []):
            if wanted not in peers:
                raise does_not_exist("Array connection", wanted)
        if names is not None:
            peers = [p for p in peers if p in names]
        if remote_names is not None:
            peers = [p for p in peers if p in remote_names]
        return [views.connection(self, peer) for peer in peers]

    def get_array_connections_connection_key(self) -> list[dict]:
        return [{"connection_key": self.connection_key}]

    def post_array_connections(
        self,
        *,
        management_address: str | None,
        connection_key: str | None,
        type: str | None,
    ) -> list[dict]:
        if not management_address:
            raise bad_request("management_address is required.")
        conn_type = type or "async-replication"
        if conn_type not in CONNECTION_TYPES:
            raise bad_request(f"Unsupported connection type '{conn_type}'.")
        peer = self.fabric.resolve_address(management_address)
        if peer is None or peer == self.name:
            raise bad_request(
                "Could not reach an array at that management address.", management_address
            )
        if connection_key != self.fabric.arrays[peer].connection_key:
            raise bad_request("The connection key is not valid.", management_address)
        if self.fabric.connection(self.name, peer) is not None:
            raise already_exists("Array connection", peer)
        self.fabric.connect(self.name, peer, conn_type)
        return [views.connection(self, peer)]

    def delete_array_connections(self, *, names: list[str] | None) -> list[dict]:
        if not names:
            raise bad_request("The names parameter is required.")
        for peer in names:
            if self.fabric.connection(self.name, peer) is None:
                raise does_not_exist("Array connection", peer)
        for peer in names:
            self.fabric.disconnect(self.name, peer)
        return []
