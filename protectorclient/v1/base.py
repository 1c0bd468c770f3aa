"""What the resource managers share: URL building and list paging."""

from typing import TYPE_CHECKING, Any
from urllib import parse

from protectorclient.exceptions import ProtectorClientError

if TYPE_CHECKING:
    from protectorclient.v1.client import Client

Resource = dict[str, Any]
ResourceList = list[Resource]


def quote(ref: str) -> str:
    """A name or id as one URL path segment (the API accepts either)."""
    return parse.quote(str(ref), safe="")


def named_segment(client: "Client", ref: str, collection: str, key: str, noun: str) -> str:
    """A site or protection group (name or id) as a path segment.

    The API takes either in the URL, but a "/" in a name does not survive
    the WSGI path decoding, so such a name is looked up through the list.
    """
    if "/" not in str(ref):
        return quote(ref)
    found = client.get(collection, params={"name": ref}).get(key, [])
    if not found:
        raise ProtectorClientError(f"No {noun} named {ref!r}.", code=404)
    return quote(found[0]["id"])


def drop_none(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


class Manager:
    """Base of the per-resource managers; ``client`` does the HTTP."""

    def __init__(self, client: "Client") -> None:
        self.client = client

    def _list(self, path: str, key: str, *, limit: int | None = None,
              marker: str | None = None, **filters: Any) -> list[Resource]:
        """Items of a collection. With ``limit`` one page; without, every page
        (following the ``<key>_links`` next links)."""
        params = drop_none({**filters, "limit": limit, "marker": marker})
        body = self.client.get(path, params=params)
        items: list[Resource] = list(body.get(key, []))
        if limit is not None:
            return items
        seen = set()
        while True:
            nxt = next((link.get("href") for link in body.get(f"{key}_links", [])
                        if link.get("rel") == "next"), None)
            if not nxt or nxt in seen:
                return items
            seen.add(nxt)
            body = self.client.get(nxt)
            page = body.get(key, [])
            if not page:
                return items
            items.extend(page)
