"""Run the web app on this machine: bind the port first (so a busy port is one clear
error), then uvicorn on that socket; open the browser once the server answers.

uvicorn (h11) has a keep-alive timeout but none for a request's headers, and no cap on
connections that keeps the page answering, so its protocol is extended here (`_guarded`):
a request's line and headers must arrive within `header_seconds` (a half-sent request is
dropped), and a connection past `connections` open ones is closed at once. When the
process runs out of file descriptors anyway, the accept loop says so in one line a
minute instead of a traceback each time it retries.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import sys
import threading
import time
import webbrowser
from dataclasses import replace

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from ..errors import TaskmapError
from .app import MAX_UPLOAD, create_app
from .guard import ServeLimits, host_names

LOOPBACK = ("127.0.0.1", "localhost", "::1")
FD_WANTED = 4096  # the soft limit of open files is raised to this (within the hard one)
FD_RESERVE = 32  # files kept for the server's own use (its socket, the parse children's
# pipes, uploads spooled to temporary files): connections get the rest, at most
BACKLOG = 128  # connections the kernel queues before the server accepts them; asyncio's
# accept loop also tries this many accepts at a time
QUIET_SECONDS = 60  # "out of file descriptors" is said at most once in this long
log = logging.getLogger("taskmap.web")


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: any free port), or a one-line error."""
    try:
        info = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror:
        raise TaskmapError(f"无法识别的地址 {host}") from None
    sock = socket.socket(info[0], socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(info[4])
    except OSError as e:
        sock.close()
        if e.errno in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
            raise TaskmapError(f"端口 {port} 已被占用:请用 --port 指定其他端口") from None
        raise TaskmapError(f"无法在 {host}:{port} 上启动服务:{e.strerror or e}") from None
    sock.listen(BACKLOG)
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def serve(host: str = "127.0.0.1", port: int = 8765, open_browser: bool = True,
          max_upload: int = MAX_UPLOAD, announce=print,
          limits: ServeLimits | None = None) -> None:
    """Serve the page until Ctrl-C. `announce(text)` is told the address; `limits`: the
    server's (default: `ServeLimits.from_env()`)."""
    limits = limits or ServeLimits.from_env()
    sock = bind(host, port)
    url = url_of(sock)
    files = _more_files()
    if files is not None:  # connections never take the files the server needs itself
        limits = replace(limits, connections=max(1, min(limits.connections,
                                                        files - FD_RESERVE)))
    names, any_ip = host_names(host)
    app = create_app(max_upload, serve_limits=limits, hosts=names, any_ip=any_ip)
    server = uvicorn.Server(uvicorn.Config(
        app, http=_guarded(limits), log_level="warning", access_log=False, backlog=BACKLOG,
        timeout_graceful_shutdown=3, timeout_keep_alive=limits.keep_alive_seconds,
        h11_max_incomplete_event_size=limits.header_bytes))
    announce(f"taskmap 网页已启动:{url}(按 Ctrl-C 停止)")
    if host not in LOOPBACK:
        announce(f"注意:服务监听 {host},同一网络中的其他电脑也能打开此页面。")
    if open_browser:
        threading.Thread(target=_open_when_started, args=(server, url), daemon=True).start()
    asyncio.run(_run(server, sock))


async def _run(server: uvicorn.Server, sock: socket.socket) -> None:
    asyncio.get_running_loop().set_exception_handler(_QuietAccept())
    logging.getLogger("uvicorn.error").addFilter(_no_cancel_notice)
    await server.serve(sockets=[sock])


def _no_cancel_notice(record: logging.LogRecord) -> bool:
    """uvicorn's "Cancel N running task(s)" at Ctrl-C is not an error here: an upload
    still being read is answered that the server is stopping (guard.STOPPING)."""
    return not str(record.msg).startswith("Cancel %s running task")


class _QuietAccept:
    """The loop's exception handler. asyncio's accept loop, out of file descriptors, logs
    a traceback for each accept it tries (BACKLOG at a time) and schedules a retry for
    each, which fail again once the socket is closed: this says it in one line a minute
    and drops the retries' failures. Anything else goes to the default handler."""

    def __init__(self) -> None:
        self.said: float = -QUIET_SECONDS

    def __call__(self, loop: asyncio.AbstractEventLoop, context: dict) -> None:
        if "_start_serving" in repr(context.get("handle")):  # a retry after the close
            return
        if "out of system resource" not in context.get("message", ""):
            loop.default_exception_handler(context)
            return
        now = time.monotonic()
        if now - self.said >= QUIET_SECONDS:
            self.said = now
            print("taskmap 网页:打开的连接过多(文件描述符用尽),暂缓接受新连接。",
                  file=sys.stderr, flush=True)


def _more_files() -> int | None:
    """Raise the soft limit of open files toward FD_WANTED (Linux and macOS); the limit
    then (None: none, or not known)."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = FD_WANTED if hard == resource.RLIM_INFINITY else min(FD_WANTED, hard)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    return None if soft == resource.RLIM_INFINITY else soft


def _guarded(limits: ServeLimits) -> type[H11Protocol]:
    """uvicorn's h11 protocol with a deadline for a request's headers and a cap on open
    connections (see the module's docstring)."""

    class Guarded(H11Protocol):
        header_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport) -> None:
            full = len(self.connections) >= limits.connections
            super().connection_made(transport)
            if full:
                transport.close()
                return
            self._arm()

        def data_received(self, data: bytes) -> None:
            if self.header_timer is None and self.conn.their_state is h11.IDLE:
                self._arm()  # the next request on a kept-alive connection
            super().data_received(data)
            if self.conn.their_state is not h11.IDLE:  # its headers are in
                self._disarm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self) -> None:
            self.header_timer = self.loop.call_later(limits.header_seconds, self._too_slow)

        def _disarm(self) -> None:
            if self.header_timer is not None:
                self.header_timer.cancel()
                self.header_timer = None

        def _too_slow(self) -> None:
            self.header_timer = None
            if not self.transport.is_closing():
                self.transport.close()

    return Guarded


def _open_when_started(server: uvicorn.Server, url: str) -> None:
    for _ in range(200):
        if server.started:
            webbrowser.open(url)
            return
        threading.Event().wait(0.05)
