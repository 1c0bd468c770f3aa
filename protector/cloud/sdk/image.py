"""Glance through openstacksdk."""

from __future__ import annotations

from typing import Any

from openstack import connection

from protector.cloud import common, image
from protector.cloud.sdk.errors import translate


class SdkImage(image.ImageAPI):
    def __init__(self, conn: connection.Connection, site: str,
                 options: common.CloudOptions) -> None:
        self.conn = conn
        self.site = site
        self.options = options

    def find_image(self, name_or_id: str) -> str | None:
        with translate(site=self.site, service="Glance", operation="find image",
                       resource="Image", resource_id=name_or_id):
            candidates: list[Any] = list(self.conn.image.images(name=name_or_id))
            if not candidates:
                img = self.conn.image.find_image(name_or_id, ignore_missing=True)
                candidates = [img] if img is not None else []
        active = [i for i in candidates if (i.status or "").lower() == "active"]
        if not active:
            return None
        return max(active, key=lambda i: i.created_at or "").id
