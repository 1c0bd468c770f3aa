"""Glance, as the engine sees it: only "which image is called that?"."""

from __future__ import annotations

import abc

from protector.cloud import exception as exc


class ImageAPI(abc.ABC):
    site: str = ""

    @abc.abstractmethod
    def find_image(self, name_or_id: str) -> str | None:
        """:returns: the id of the active image with that name or id, or None.

        With several images of that name, the newest wins.
        """

    def require_image(self, name: str) -> str:
        """:raises ImageNotFound: ``Image '<name>' not found on target site``."""
        image_id = self.find_image(name)
        if image_id is None:
            raise exc.ImageNotFound(image=name)
        return image_id
