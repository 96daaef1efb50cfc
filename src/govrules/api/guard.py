"""Protection against clients that send too much, too slowly, or never finish.

- :class:`BodyGuard` (ASGI middleware) answers 413 for a ``Content-Length`` over the limit
  without reading a byte of the body, counts the bytes of bodies without one (chunked) and
  answers 413 as soon as they pass the limit, and answers 408 when the whole body has not arrived
  within ``body_timeout`` seconds (a client that announces more than it sends). The body it read
  is then replayed to the application, so nothing downstream reads the socket again. Both
  answers close the connection.
- :class:`GuardedH11Protocol` (a uvicorn HTTP protocol) closes a connection whose request
  headers are not complete ``header_timeout`` seconds after they began; uvicorn itself only times
  out idle keep-alive connections. Headers larger than h11's incomplete-event limit (16 KiB) are
  refused by uvicorn with 400.
"""

from __future__ import annotations

import asyncio
import json
import socket
from typing import Any

import anyio
import h11
from starlette.types import ASGIApp
from starlette.types import Message
from starlette.types import Receive
from starlette.types import Scope
from starlette.types import Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from ..declaration import size_words
from .settings import get_settings

#: Largest total size of a request's headers (names, values and separators); more is 431.
MAX_HEADER_BYTES = 16 * 1024


class BodyGuard:
    """ASGI middleware: a size limit and a deadline on every request body."""

    def __init__(self, app: ASGIApp, max_body_bytes: int, body_timeout: float) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.body_timeout = body_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        head = sum(len(k) + len(v) + 4 for k, v in scope.get("headers", ()))
        if head > MAX_HEADER_BYTES:
            await _refuse(
                send,
                431,
                "headers_too_large",
                f"the request headers ({head:,} bytes) are larger than the limit of "
                f"{MAX_HEADER_BYTES:,} bytes",
            )
            return
        announced = _content_length(scope)
        if announced is not None and announced > self.max_body_bytes:
            await _refuse(send, 413, "body_too_large", self._too_large(announced))
            return
        chunks: list[bytes] = []
        size = 0
        try:
            with anyio.fail_after(self.body_timeout):
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return  # the client left; nobody to answer
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    if size > self.max_body_bytes:
                        await _refuse(send, 413, "body_too_large", self._too_large(None))
                        return
                    chunks.append(chunk)
                    if not message.get("more_body", False):
                        break
        except TimeoutError:
            await _refuse(
                send,
                408,
                "request_timeout",
                f"the request body did not arrive within {self.body_timeout:g} seconds",
            )
            return
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    def _too_large(self, announced: int | None) -> str:
        size = f"is {announced:,} bytes, more" if announced is not None else "is more"
        limit = self.max_body_bytes
        return (
            f"the request body {size} than the limit of {size_words(limit)} ({limit:,} bytes); "
            "a declaration or a rule file is a few kilobytes, so check that this is the right file"
        )


#: The Content-Security-Policy of every HTML page: no script at all, styles inline only, forms
#: posted back here. /docs (the Swagger UI) needs its scripts and styles, all served from this
#: server (its one inline script starts the UI), and nothing else: no other origin.
PAGE_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
DOCS_POLICY = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'"
)


class Hardening:
    """ASGI middleware: security headers on every answer, and HEAD answered as GET.

    Every response gets ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy:
    no-referrer``; HTML pages also get a ``Content-Security-Policy`` and ``X-Frame-Options``.
    A HEAD request is served as the GET of the same URL, with the headers of the GET answer
    (its Content-Length included) and no body, as HTTP requires.
    """

    def __init__(self, app: ASGIApp, docs_path: str = "/docs") -> None:
        self.app = app
        self.docs_path = docs_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_head = scope["method"] == "HEAD"
        if is_head:
            scope = {**scope, "method": "GET"}
        policy = DOCS_POLICY if scope["path"].startswith(self.docs_path) else PAGE_POLICY

        async def guarded_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                names = {name.lower() for name, _ in headers}
                extra = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                ]
                html = any(
                    name.lower() == b"content-type" and value.startswith(b"text/html")
                    for name, value in headers
                )
                if html:
                    extra += [
                        (b"content-security-policy", policy.encode()),
                        (b"x-frame-options", b"DENY"),
                    ]
                headers += [(k, v) for k, v in extra if k not in names]
                message = {**message, "headers": headers}
            elif message["type"] == "http.response.body" and is_head:
                if message.get("more_body", False):
                    return  # drop the body: only the final, empty chunk is sent
                message = {**message, "body": b""}
            await send(message)

        await self.app(scope, receive, guarded_send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # servers refuse these before the app sees them
    return None


async def _refuse(send: Send, status: int, code: str, message: str) -> None:
    body = json.dumps({"code": code, "message": message, "errors": []}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                # The unread rest of the body would be taken for the next request: close.
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for request headers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.header_timeout = get_settings().header_timeout
        self._header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        # With --workers > 1 uvicorn hands asyncio a socket it made itself, and asyncio then
        # skips TCP_NODELAY: every keep-alive response after the first waited ~40 ms for
        # Nagle's algorithm (uvicorn issue 3149). Set it on every connection ourselves.
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:  # pragma: no cover - a socket already closing
                pass
        super().connection_made(transport)
        self._arm_header_timer()

    def data_received(self, data: bytes) -> None:
        before = self.cycle
        super().data_received(data)
        if self.cycle is not before:
            self._disarm_header_timer()  # a request's headers are complete
        elif self._between_requests():
            self._arm_header_timer()  # the next request has started to arrive

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_timer()
        super().connection_lost(exc)

    def _between_requests(self) -> bool:
        return self.conn.their_state is h11.IDLE and (
            self.cycle is None or self.cycle.response_complete
        )

    def _arm_header_timer(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(self.header_timeout, self._header_expired)

    def _disarm_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _header_expired(self) -> None:
        self._header_timer = None
        if self._between_requests() and not self.transport.is_closing():
            self.logger.info("closing a connection whose request headers did not arrive in time")
            self.transport.close()
