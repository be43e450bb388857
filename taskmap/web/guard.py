"""What the local server refuses, and what one request may cost it.

The page serves one person on this machine, so the server answers only requests that could
come from its own page:

- a `Host` that is not one of its own names (DNS rebinding: a site whose name is made to
  resolve to 127.0.0.1) → 421;
- a state-changing request (anything but GET, HEAD, OPTIONS) that a browser marks as sent
  by another site (`Origin` not this server's, `Sec-Fetch-Site` not `same-origin`/`none`)
  → 403, before a byte of its body is read;
- more uploads than `ServeLimits.uploads` at once: the next `ServeLimits.queue` wait for a
  turn, any further one is refused with 503 at once; a GET never waits, so the page
  answers whatever the uploads do;
- a body that stalls (`body_idle_seconds` without a byte) or takes longer than
  `body_seconds` → 408 and the connection closed.

A client that goes away mid-upload is dropped quietly (no traceback in the server window).
Each limit has a default and an environment variable (`TASKMAP_WEB_…`, below); the
server-level ones (header and keep-alive timeouts, connections) are applied in
`taskmap.web.server`, the parse limits in `taskmap.web.isolate`.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from html import escape

from starlette.requests import ClientDisconnect

from ..read.limits import G, K, amount


@dataclass(frozen=True)
class ServeLimits:
    """The server's limits; `ServeLimits.from_env()` applies TASKMAP_WEB_<FIELD> variables
    (TASKMAP_WEB_HEADER_SECONDS=2, TASKMAP_WEB_PARSE_MEMORY=1G)."""

    # a request's line and headers must arrive within this many seconds of the connection
    # (or of the previous answer on a kept-alive one); a half-sent request is then dropped
    header_seconds: float = 10
    # bytes of a request line and its headers (h11's own default is 16 KB)
    header_bytes: int = 16 * K
    # an upload's body: at most this long without a byte, and this long in all
    body_idle_seconds: float = 15
    body_seconds: float = 120
    # an idle kept-alive connection is closed after this many seconds
    keep_alive_seconds: int = 5
    # open connections; a further one is closed at once. A browser opens at most 6 to one
    # server, so this only bounds raw clients; it stays well under the usual 1024 files
    connections: int = 256
    # uploads read and parsed at once (the machine's cores do the parsing), and uploads
    # that may wait for a turn, for at most `queue_seconds`; a further one gets 503
    uploads: int = 4
    queue: int = 32
    queue_seconds: float = 120
    # one uploaded file is parsed in a child process that may take this many seconds and
    # this many bytes of address space more than it starts with
    parse_seconds: float = 60
    parse_memory: int = 2 * G

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ServeLimits:
        """The defaults, each overridden by its TASKMAP_WEB_… variable when set.

        >>> ServeLimits.from_env({"TASKMAP_WEB_UPLOADS": "2"}).uploads
        2
        """
        environ = os.environ if environ is None else environ
        values: dict[str, float | int] = {}
        for field in fields(cls):
            name = "TASKMAP_WEB_" + field.name.upper()
            text = environ.get(name, "").strip()
            if text:
                values[field.name] = amount(name, text, whole=field.type in (int, "int"))
        return cls(**values)  # type: ignore[arg-type]


class _Answer:
    """An ASGI `send` that notes whether the answer has begun: a refusal (408, 503) can be
    sent only before it has."""

    def __init__(self, send):
        self.send, self.started = send, False

    async def __call__(self, message) -> None:
        self.started = self.started or message["type"] == "http.response.start"
        await self.send(message)


LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Sec-Fetch-Site values of a request the server's own page makes ("none": the user typed
# the address or opened a bookmark); "same-site" is another port or subdomain, so another
# origin
OWN_FETCH_SITES = frozenset({"same-origin", "none"})

FOREIGN_HOST = "拒绝访问:本机 taskmap 服务只接受发往本机地址的请求(请用 {url} 打开页面)。"
FOREIGN_ORIGIN = ("拒绝请求:其他网站的页面不能向本机 taskmap 服务提交文件。"
                  "请在 taskmap 自己的页面({url})中上传。")
BUSY = "服务正忙:同时处理的上传已达上限,请稍后再试。"
SLOW = "上传超时:文件没有在限定时间内传完,已断开。请重新上传。"
STOPPING = "taskmap 服务正在停止,本次上传未处理。"


def host_names(host: str) -> tuple[frozenset[str], bool]:
    """The names (as in a Host header, lower case, IPv6 in brackets) a server bound to
    `host` answers to, and whether any IP address is one of them (a wildcard bind:
    0.0.0.0 or ::). A Host that is an IP address cannot be rebound by DNS, so accepting
    every address of a wildcard bind opens nothing."""
    names = set(LOOPBACK_NAMES)
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        names.add(host.lower().rstrip("."))
        return frozenset(names), False
    if address.is_unspecified:
        return frozenset(names), True
    names.add(f"[{address}]" if address.version == 6 else str(address))
    return frozenset(names), False


def _split_host(value: str) -> tuple[str, int | None]:
    """`name:port` → (name, port); the port is 80 when absent, None when not a number."""
    value = value.strip().lower()
    if value.startswith("["):
        name, _, rest = value.partition("]")
        name, port = name + "]", rest[1:] if rest.startswith(":") else ""
        if rest and not rest.startswith(":"):
            return value, None
    else:
        name, _, port = value.partition(":")
    if not port:
        return name, 80
    return (name, int(port)) if port.isdigit() else (name, None)


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


class _Slow(Exception):
    """The body did not arrive in time."""


def _page(message: str) -> bytes:
    """A refusal as a page the site's script shows like any other error (it reads
    #result), and a person reads as it is."""
    return ('<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>taskmap</title>'
            f'<div id="result"><div class="errors" role="alert"><p>{escape(message)}</p>'
            '</div></div></html>').encode()


class Guard:
    """ASGI middleware holding the rules of this module, whatever server runs the app."""

    def __init__(self, app, limits: ServeLimits, hosts: Iterable[str] = LOOPBACK_NAMES,
                 any_ip: bool = False):
        self.app, self.limits = app, limits
        self.hosts, self.any_ip = frozenset(h.lower() for h in hosts), any_ip
        self.slots: asyncio.Semaphore | None = None
        self.waiting = 0

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        port = (scope.get("server") or (None, None))[1]
        host = headers.get("host", "")
        if not self._own_host(host, port):
            return await _refuse(send, 421, FOREIGN_HOST.format(url=_url(port)))
        if scope["method"] not in SAFE_METHODS:
            if not _own_origin(headers, scope.get("scheme", "http"), host):
                return await _refuse(send, 403, FOREIGN_ORIGIN.format(url=_url(port)))
            return await self._upload(scope, receive, send)
        return await self._quietly(scope, receive, send)

    def _own_host(self, value: str, port: int | None) -> bool:
        name, asked = _split_host(value)
        if asked is None or (port is not None and asked != port):
            return False
        return name in self.hosts or (self.any_ip and _is_ip(name))

    async def _upload(self, scope, receive, send):
        if self.slots is None:
            self.slots = asyncio.Semaphore(self.limits.uploads)
        if self.slots.locked():
            if self.waiting >= self.limits.queue:
                return await _refuse(send, 503, BUSY)
            self.waiting += 1
            try:
                await asyncio.wait_for(self.slots.acquire(), self.limits.queue_seconds)
            except asyncio.TimeoutError:  # (a class of its own before Python 3.11)
                return await _refuse(send, 503, BUSY)
            finally:
                self.waiting -= 1
        else:
            await self.slots.acquire()
        try:
            answer = _Answer(send)
            try:
                await self._quietly(scope, self._in_time(receive), answer)
            except _Slow:
                if not answer.started:
                    await _refuse(send, 408, SLOW)
        finally:
            self.slots.release()

    async def _quietly(self, scope, receive, send):
        """The app, a client that went away dropped without a word; a request the server
        gives up as it stops (Ctrl-C while a plan is read) answered 503 in a line."""
        answer = _Answer(send)
        try:
            await self.app(scope, receive, answer)
        except (ClientDisconnect, ConnectionError):
            return
        except asyncio.CancelledError:
            if not answer.started:
                await _refuse(send, 503, STOPPING)

    def _in_time(self, receive):
        """`receive`, raising _Slow when the body stalls or takes too long; once the body
        is whole, as it is."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.limits.body_seconds
        whole = False

        async def timed():
            nonlocal whole
            if whole:
                return await receive()
            wait = min(self.limits.body_idle_seconds, deadline - loop.time())
            if wait <= 0:
                raise _Slow
            try:
                message = await asyncio.wait_for(receive(), wait)
            except asyncio.TimeoutError:  # (a class of its own before Python 3.11)
                raise _Slow from None
            whole = message["type"] != "http.request" or not message.get("more_body")
            return message

        return timed


def _own_origin(headers: dict[str, str], scheme: str, host: str) -> bool:
    """Whether a state-changing request may come from this server's own page. A browser
    sends `Origin` with every POST a page makes (form or fetch, same-origin too), and
    `Sec-Fetch-Site`; a request with neither comes from a program (curl, a script), which
    runs on this machine already and is let through, as the scripts of the README use."""
    site = headers.get("sec-fetch-site", "").strip().lower()
    if site and site not in OWN_FETCH_SITES:
        return False
    origin = headers.get("origin")
    if origin is None:
        return True
    origin = origin.strip().lower()
    if origin == "null":  # a page under no-referrer, a sandboxed frame, a file: only the
        return site == "same-origin"  # browser's own word that it is this server's page
    return origin == f"{scheme}://{host.strip().lower()}"


def _url(port: int | None) -> str:
    return f"http://127.0.0.1:{port}/" if port else "http://127.0.0.1/"


async def _refuse(send, status: int, message: str) -> None:
    """Answer `status` with `message` and close the connection (nothing of the request
    body is read)."""
    try:
        await send({"type": "http.response.start", "status": status, "headers": [
            (b"content-type", b"text/html; charset=utf-8"), (b"connection", b"close"),
            (b"cache-control", b"no-store")]})
        await send({"type": "http.response.body", "body": _page(message)})
    except (ClientDisconnect, ConnectionError):
        return
