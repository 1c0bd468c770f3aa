"""Delta documents: a push that does not repeat what the peer holds.

The site that pushes a PG keeps what the peer holds of it
(``peer_documents``): the version the peer confirmed and a digest of each
part of that document (the PG's fields, the policy, each member, each
consistency group and each of its volumes). The receiving site records
the same of every document it applies, so either site's next push can be
a delta. A delta carries ``base_version``, the PG's fields, and only the
members, volumes, consistency groups and policy whose digest changed,
with the ids of those that went. The receiver applies it only onto that
very version: it patches its own document (:func:`patch`) and writes the
result as it writes a whole one. On any other version, or a peer that
predates deltas, the answer is 409 or 400 and the sender sends the whole
document, as it always does for sync-force.
"""

import hashlib
import json
from typing import Any

_GROUP_ONLY = ("volumes", "removed_volumes")


def _digest(item: Any) -> str:
    text = json.dumps(item, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def _group_fields(cg: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in cg.items() if k not in _GROUP_ONLY}


def digests(doc: dict[str, Any]) -> dict[str, Any]:
    """The digests of a whole document's parts."""
    return {
        "protection_group": _digest(doc["protection_group"]),
        "policy": _digest(doc["policy"]),
        "members": {m["id"]: _digest(m) for m in doc["members"]},
        "consistency_groups": {
            cg["id"]: {"group": _digest(_group_fields(cg)),
                       "volumes": {v["id"]: _digest(v) for v in cg["volumes"]}}
            for cg in doc["consistency_groups"]},
    }


def make(doc: dict[str, Any], base_version: int, base: dict[str, Any],
         current: dict[str, Any] | None = None) -> dict[str, Any]:
    """``doc`` (whole) as a delta onto the document whose digests are
    ``base``; ``current`` is ``digests(doc)`` if the caller has it."""
    current = current or digests(doc)
    members = base["members"]
    groups = base["consistency_groups"]
    delta: dict[str, Any] = {
        "format": doc["format"], "id": doc["id"], "metadata_version": doc["metadata_version"],
        "deleted": False, "base_version": base_version,
        "protection_group": doc["protection_group"],
        "members": [m for m in doc["members"]
                    if members.get(m["id"]) != current["members"][m["id"]]],
        "removed_members": sorted(set(members) - set(current["members"])),
        "consistency_groups": [],
        "removed_consistency_groups": sorted(set(groups) - set(current["consistency_groups"])),
    }
    if current["policy"] != base["policy"]:
        delta["policy"] = doc["policy"]
    for cg in doc["consistency_groups"]:
        known = groups.get(cg["id"], {"group": None, "volumes": {}})
        now = current["consistency_groups"][cg["id"]]
        volumes = [v for v in cg["volumes"]
                   if known["volumes"].get(v["id"]) != now["volumes"][v["id"]]]
        gone = sorted(set(known["volumes"]) - set(now["volumes"]))
        if volumes or gone or known["group"] != now["group"]:
            delta["consistency_groups"].append(
                {**_group_fields(cg), "volumes": volumes, "removed_volumes": gone})
    return delta


def _merged(items: list[dict[str, Any]], changed: list[dict[str, Any]],
            removed: list[str]) -> list[dict[str, Any]]:
    by_id = {item["id"]: item for item in items}
    for item_id in removed:
        by_id.pop(item_id, None)
    for item in changed:
        by_id[item["id"]] = item
    return list(by_id.values())


def patch(current: dict[str, Any], delta: dict[str, Any]) -> dict[str, Any]:
    """The whole document ``delta`` makes of ``current`` (its base)."""
    doc = {**current, "metadata_version": delta["metadata_version"],
           "protection_group": delta["protection_group"],
           "members": _merged(current["members"], delta["members"],
                              delta["removed_members"])}
    if "policy" in delta:
        doc["policy"] = delta["policy"]
    groups = {cg["id"]: cg for cg in current["consistency_groups"]}
    for cg_id in delta["removed_consistency_groups"]:
        groups.pop(cg_id, None)
    for cg in delta["consistency_groups"]:
        old = groups.get(cg["id"], {"volumes": []})
        groups[cg["id"]] = {**_group_fields(cg), "volumes": _merged(
            old["volumes"], cg["volumes"], cg["removed_volumes"])}
    doc["consistency_groups"] = list(groups.values())
    return doc
