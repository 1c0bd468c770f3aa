"""The fake Glance."""

from __future__ import annotations

from protector.cloud import image
from protector.cloud.fake.cloud import FakeCloud, api


class FakeImage(image.ImageAPI):
    def __init__(self, cloud: FakeCloud) -> None:
        self.cloud = cloud
        self.site = cloud.site

    @api("image")
    def find_image(self, name_or_id: str) -> str | None:
        images = self.cloud.images
        if name_or_id in images and images[name_or_id].status == "active":
            return name_or_id
        # Newest wins, as in the SDK twin: the last one added.
        found = [i for i, r in images.items() if r.name == name_or_id and r.status == "active"]
        return found[-1] if found else None
