"""Run the web app on this machine: bind the port first (so a busy port is one clear
error), then uvicorn on that socket; open the browser once the server answers."""

from __future__ import annotations

import socket
import threading
import webbrowser

import uvicorn

from ..errors import TaskmapError
from .app import MAX_UPLOAD, create_app

LOOPBACK = ("127.0.0.1", "localhost", "::1")


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
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def serve(host: str = "127.0.0.1", port: int = 8765, open_browser: bool = True,
          max_upload: int = MAX_UPLOAD, announce=print) -> None:
    """Serve the page until Ctrl-C. `announce(text)` is told the address."""
    sock = bind(host, port)
    url = url_of(sock)
    server = uvicorn.Server(uvicorn.Config(create_app(max_upload), log_level="warning",
                                           access_log=False, timeout_graceful_shutdown=3))
    announce(f"taskmap 网页已启动:{url}(按 Ctrl-C 停止)")
    if host not in LOOPBACK:
        announce(f"注意:服务监听 {host},同一网络中的其他电脑也能打开此页面。")
    if open_browser:
        threading.Thread(target=_open_when_started, args=(server, url), daemon=True).start()
    server.run(sockets=[sock])


def _open_when_started(server: uvicorn.Server, url: str) -> None:
    for _ in range(200):
        if server.started:
            webbrowser.open(url)
            return
        threading.Event().wait(0.05)
