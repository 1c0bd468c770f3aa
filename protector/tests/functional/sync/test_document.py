"""Applying a peer's document: versions decide, and a deletion always lands."""

import copy
import threading
from concurrent import futures

import pytest

from protector import context, exception
from protector.db import protection_groups as pg_db
from protector.sync import document
from protector.tests.functional.api import helpers


def test_deletion_at_the_same_version_deletes(api):
    helpers.make_sites(api["admin"])
    pg = helpers.make_pg(api["owner"])
    ctx = context.get_admin_context()
    version = pg_db.get(ctx, None, pg["id"]).metadata_version
    with pytest.raises(exception.Conflict):  # older: refused
        document.apply(ctx, pg["project_id"], document.deletion(pg["id"], version - 1))
    assert document.apply(ctx, pg["project_id"],
                          document.deletion(pg["id"], version)) == "deleted"
    with pytest.raises(exception.ProtectionGroupNotFound):
        pg_db.get(ctx, None, pg["id"])


def _versions(doc: dict, *versions: int) -> list[dict]:
    return [{**copy.deepcopy(doc), "metadata_version": v} for v in versions]


def _at_once(ctx, project: str, docs: list[dict]) -> list[str]:
    """Apply ``docs`` from one thread each, released together."""
    start = threading.Barrier(len(docs))

    def push(doc: dict) -> str:
        start.wait()
        try:
            return document.apply(ctx, project, doc)
        except exception.Conflict:
            return "refused"

    with futures.ThreadPoolExecutor(len(docs)) as pool:
        return list(pool.map(push, docs))


@pytest.mark.mysql
@pytest.mark.parametrize("database", ["mysql"], indirect=True)
def test_pushes_at_once_apply_one_after_the_other(api):
    """Two versions pushed at once: the newer always wins, the older is
    applied before it or refused after it; a PG both pushes create is
    made once, neither push told it "already exists"."""
    helpers.make_sites(api["admin"])
    pg = helpers.make_pg(api["owner"])
    ctx = context.get_admin_context()
    doc = document.build(ctx, pg["id"])
    base = doc["metadata_version"]
    for round_ in range(1, 11):
        newer = base + 2 * round_
        results = _at_once(ctx, pg["project_id"], _versions(doc, newer - 1, newer))
        assert results in (["applied", "applied"], ["refused", "applied"]), results
        assert pg_db.get(ctx, None, pg["id"]).metadata_version == newer
    last = base + 20
    for _ in range(5):
        document.apply(ctx, pg["project_id"], document.deletion(pg["id"], last))
        last += 2
        results = _at_once(ctx, pg["project_id"], _versions(doc, last - 1, last))
        assert results in (["applied", "applied"], ["refused", "applied"]), results
        assert pg_db.get(ctx, None, pg["id"]).metadata_version == last
