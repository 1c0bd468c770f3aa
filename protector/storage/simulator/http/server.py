"""A threaded HTTPS server for one array's WSGI app.

Built on the standard library's wsgiref (no eventlet). The TLS handshake
runs in the per-connection thread so one slow client cannot stall the
accept loop. The server can be stopped and started again on the same port,
which is how "connection refused" is simulated.
"""

from __future__ import annotations

import socket
import socketserver
import ssl
import threading
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _ThreadingTLSServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    ssl_context: ssl.SSLContext | None = None

    def finish_request(self, request: Any, client_address: Any) -> None:
        if self.ssl_context is None:
            super().finish_request(request, client_address)
            return
        try:
            tls_sock = self.ssl_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        try:
            super().finish_request(tls_sock, client_address)
        finally:
            try:
                tls_sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            tls_sock.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up mid-response are normal here (timeouts, tests).
        pass


class ArrayServer:
    """Serves one WSGI app on ``host:port`` (port 0 picks a free one once)."""

    def __init__(
        self,
        app: Any,
        host: str = "127.0.0.1",
        port: int = 0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.app = app
        self.host = host
        self.port = port
        self.ssl_context = ssl_context
        self._server: _ThreadingTLSServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> None:
        if self._server is not None:
            return
        server = make_server(
            self.host,
            self.port,
            self.app,
            server_class=_ThreadingTLSServer,
            handler_class=_QuietHandler,
        )
        assert isinstance(server, _ThreadingTLSServer)
        server.ssl_context = self.ssl_context
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"flasharray-sim-{self.port}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
