"""Applying a peer's document: versions decide, and a deletion always lands."""

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
