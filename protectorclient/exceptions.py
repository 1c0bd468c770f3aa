"""The one exception the client raises, carrying the API's error message."""

from typing import Any


class ProtectorClientError(Exception):
    """A request to the protector API failed.

    ``code`` is the HTTP status (None when the API was never reached),
    ``message`` the API's own explanation, ``request_id`` the id the API
    logged the request under.
    """

    def __init__(self, message: str, code: int | None = None, title: str | None = None,
                 request_id: str | None = None) -> None:
        # One line: the CLI prints str(exc) and nothing else.
        self.message = " ".join(str(message).split())
        self.code = code
        self.title = title
        self.request_id = request_id
        super().__init__(self.message)

    def __str__(self) -> str:
        text = self.message
        if self.code is not None:
            text += f" (HTTP {self.code})"
        if self.request_id:
            text += f" (Request-ID: {self.request_id})"
        return text

    @classmethod
    def from_response(cls, resp: Any) -> "ProtectorClientError":
        """Build the error from a response in the API's error shape:
        ``{"error": {"code", "title", "message", "request_id"}}``."""
        request_id = resp.headers.get("X-OpenStack-Request-Id")
        title = getattr(resp, "reason", None)
        message = None
        try:
            body = resp.json()
        except ValueError:
            body = None
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            error = body["error"]
            message = error.get("message")
            title = error.get("title") or title
            request_id = error.get("request_id") or request_id
        if not message:
            text = (resp.text or "").strip()
            message = text[:300] if text else (title or "Request failed")
        return cls(message, code=resp.status_code, title=title, request_id=request_id)
