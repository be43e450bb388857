"""The local server answers only its own page, and no client can take it down: a page of
another site (served here by a second small HTTP server, driven in headless Chromium) that
posts a plan gets 403 and nothing is parsed; a name that DNS makes point at 127.0.0.1 gets
421; half-sent requests are closed, slow uploads leave the page answering, a parse over its
time or memory limit costs that one upload, and clients that go away leave no traceback.

`taskmap serve` runs in a subprocess as in test_web.py, its limits shortened through the
TASKMAP_WEB_… variables. Timeouts are checked as "the connection was closed" (waited for
with a generous ceiling), never as an absolute time."""

from __future__ import annotations

import http.server
import os
import re
import signal
import socket
import struct
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import DATA
from test_web import CHROMIUM, CHROMIUM_FLAGS, QINGLAN, Server, needs_chromium, post, upload

from taskmap import load_plan

CEILING = 60  # seconds a test waits for something that should happen in one or two
EVIL = "evil.example"  # a name Chromium is told resolves to 127.0.0.1 (DNS rebinding)
REFUSED_ORIGIN = "其他网站的页面不能向本机 taskmap 服务提交文件"
REFUSED_HOST = "本机 taskmap 服务只接受发往本机地址的请求"


def env(**limits: str | int | float) -> dict[str, str]:
    """This environment with TASKMAP_WEB_<NAME> set for each limit."""
    return {**os.environ, **{f"TASKMAP_WEB_{k.upper()}": str(v) for k, v in limits.items()}}


@contextmanager
def serving(preexec_fn=None, **limits: str | int | float) -> Iterator[Server]:
    """A server with these limits, stopped however the test ends, its window checked
    when the test passed."""
    s = Server(env=env(**limits), preexec_fn=preexec_fn)
    try:
        yield s
    except BaseException:
        s.stop()
        raise
    stopped_cleanly(s)


def port_of(server: Server) -> int:
    return int(re.search(r":(\d+)/$", server.url).group(1))


def stopped_cleanly(server: Server) -> None:
    """Stop the server; its window shows no traceback and no error."""
    server.stop()
    log = "".join(server.log)
    assert not re.search(r"Traceback|ERROR|Exception", log), log


def tasks_plan(n: int) -> bytes:
    """Our own plan of n tasks, one a line (parsing takes about a second per thousand)."""
    line = "{0}.推进第{0}项工作。(牵头单位:区发改委,责任单位:区财政局)\n"
    return ("一、重点任务\n" + "".join(map(line.format, range(1, n + 1)))).encode()


def connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=CEILING)
    return sock


def read_until_closed(sock: socket.socket, ceiling: float = CEILING) -> tuple[bytes, bool]:
    """What the server sends until it closes the connection → (bytes, closed); closed is
    False when `ceiling` seconds pass first."""
    sock.settimeout(ceiling)
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except TimeoutError:
        return data, False
    except ConnectionResetError:
        pass
    return data, True


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def request(port: int, head: str, body: bytes = b"") -> bytes:
    """One raw request (head: lines without the final blank line) → the whole answer."""
    with connect(port) as sock:
        sock.sendall(head.encode("latin-1") + b"\r\nConnection: close\r\n\r\n" + body)
        answer, closed = read_until_closed(sock)
    assert closed
    return answer


def multipart(name: str, data: bytes, boundary: str = "b0undary") -> tuple[str, bytes]:
    """(content-type header value, body) of one file field `file`."""
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"{name}\"\r\nContent-Type: text/plain\r\n\r\n").encode() + data + \
        f"\r\n--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", body


@pytest.fixture(scope="module")
def server():
    s = Server()
    yield s
    stopped_cleanly(s)


# Host and Origin, over raw sockets ------------------------------------------------------

def test_a_foreign_host_is_refused_with_421(server):
    port = port_of(server)
    for host in (f"{EVIL}:{port}", EVIL, f"127.0.0.1:{port + 1}", f"localhost.{EVIL}:{port}",
                 f"127.0.0.1.{EVIL}:{port}", f"127.0.0.1:{port}x", None):
        answer = request(port, f"GET / HTTP/1.1\r\nHost: {host}" if host is not None
                         else "GET / HTTP/1.0")  # none at all
        assert status_of(answer) == 421, host
        assert REFUSED_HOST in answer.decode("utf-8", "replace"), host
        assert b'name="file"' not in answer
    content_type, body = multipart("plan.txt", QINGLAN.read_bytes())
    answer = request(port, f"POST /extract HTTP/1.1\r\nHost: {EVIL}:{port}\r\n"
                           f"Content-Type: {content_type}\r\nContent-Length: {len(body)}", body)
    assert status_of(answer) == 421 and b"<tr data-area=" not in answer
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}", f"[::1]:{port}"):
        answer = request(port, f"GET / HTTP/1.1\r\nHost: {host}")
        assert status_of(answer) == 200 and b'name="file"' in answer, host


def test_another_sites_post_is_refused_before_its_body_is_read(server):
    """The refusal comes while the body is still unsent: nothing of it is read or parsed."""
    port = port_of(server)
    content_type, body = multipart("plan.txt", QINGLAN.read_bytes())
    own = f"http://127.0.0.1:{port}"
    for marks in (f"Origin: https://{EVIL}", f"Origin: http://{EVIL}:{port}",
                  f"Origin: http://127.0.0.1:{port + 1}\r\nSec-Fetch-Site: same-site",
                  "Sec-Fetch-Site: cross-site", "Origin: null",
                  f"Origin: {own}\r\nSec-Fetch-Site: cross-site"):
        with connect(port) as sock:
            sock.sendall(f"POST /extract HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{marks}\r\n"
                         f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
                         .encode())  # the headers only
            answer, closed = read_until_closed(sock)
        assert closed and status_of(answer) == 403, marks
        assert REFUSED_ORIGIN in answer.decode("utf-8", "replace")
    # the same upload from the server's own page, and from a script (no Origin at all)
    for marks in (f"Origin: {own}\r\nSec-Fetch-Site: same-origin",
                  "Origin: null\r\nSec-Fetch-Site: same-origin", "User-Agent: curl/8"):
        answer = request(port, f"POST /extract HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{marks}\r\n"
                               f"Content-Type: {content_type}\r\nContent-Length: {len(body)}",
                         body)
        assert status_of(answer) == 200, marks
        assert answer.count(b"<tr data-area=") == len(load_plan(QINGLAN).tasks)


# a real browser on another site ---------------------------------------------------------

# what any page's script may do to a local server (run in the page, as its own script)
SEND = """([url, plan]) => {
  var data = new FormData();
  data.append("file", new Blob([plan], {type: "text/plain"}), "plan.txt");
  return fetch(url, {method: "POST", body: data, mode: "no-cors"}).then(
    function (r) { return r.type === "opaque" ? "" : r.text(); },  // another origin's: unread
    function (e) { return "failed: " + e; });
}"""
ATTACK = """<!doctype html><html><meta charset="utf-8"><title>another site</title>
<form id="form" method="post" enctype="multipart/form-data" action="{target}extract">
<input type="file" name="file"><button type="submit">send</button></form></html>"""


class _Attacker(http.server.BaseHTTPRequestHandler):
    page = b""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.page)))
        self.end_headers()
        self.wfile.write(self.page)

    def log_message(self, *args):
        pass


@pytest.fixture
def attacker(server):
    """Another site: a second HTTP server on another port, its page aimed at `server`."""
    handler = type("Handler", (_Attacker,), {"page": ATTACK.format(target=server.url).encode()})
    site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    yield site.server_address[1]
    site.shutdown()
    site.server_close()


@pytest.fixture
def browser(tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=str(CHROMIUM), headless=True,
            args=[*CHROMIUM_FLAGS, f"--host-resolver-rules=MAP {EVIL} 127.0.0.1"])
        context.set_default_timeout(30_000)
        yield context.new_page()
        context.close()


@needs_chromium
def test_a_page_of_another_site_cannot_post_a_plan(server, attacker, browser, tmp_path):
    page, port = browser, port_of(server)
    plan = QINGLAN.read_text(encoding="utf-8")
    tasks = len(load_plan(QINGLAN).tasks)
    target = server.url + "extract"

    def fetched(url: str) -> tuple[int, str]:
        """The page's script posts the plan to `url`: the status the server answered (the
        page cannot read another origin's answer; the browser's network log can), and the
        answer as the page reads it (nothing, from another origin)."""
        with page.expect_response(lambda r: r.url == url and r.request.method == "POST") as r:
            answer = page.evaluate(SEND, [url, plan])
        assert not answer.startswith("failed"), answer
        return r.value.status, answer

    plan_file = tmp_path / "plan.txt"
    plan_file.write_text(plan, encoding="utf-8")
    # another site: another name (cross-site), and this machine on another port (same-site)
    for site in (f"http://{EVIL}:{attacker}/", f"http://127.0.0.1:{attacker}/"):
        page.goto(site)
        status, answer = fetched(target)
        assert status == 403 and "<tr data-area=" not in answer, site
        # a plain form, the way a page posts without script
        page.set_input_files("#form input[type=file]", str(plan_file))
        with page.expect_navigation() as navigation:
            page.click("#form button")
        assert navigation.value.status == 403, site
        assert REFUSED_ORIGIN in page.inner_text("body")
        assert page.locator("tr[data-area]").count() == 0
    # DNS rebinding: the other site's name made to resolve to this machine
    rebound = f"http://{EVIL}:{port}/"
    response = page.goto(rebound)
    assert response.status == 421 and REFUSED_HOST in page.inner_text("body")
    status, answer = fetched(rebound + "extract")
    assert status == 421 and REFUSED_HOST in answer and "<tr data-area=" not in answer
    # the same script on the server's own page is answered with the plan's tasks
    page.goto(server.url)
    status, answer = fetched(target)
    assert status == 200 and answer.count("<tr data-area=") == tasks


# timeouts, and many slow clients --------------------------------------------------------

@pytest.fixture(scope="module")
def impatient():
    """A server with one-second header, body and keep-alive timeouts."""
    s = Server(env=env(header_seconds=1, body_idle_seconds=1, keep_alive_seconds=1))
    yield s
    stopped_cleanly(s)


def test_a_half_sent_request_is_closed(impatient):
    port = port_of(impatient)
    # headers that never end
    with connect(port) as sock:
        sock.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n".encode())
        answer, closed = read_until_closed(sock)
    assert closed and answer == b""
    # headers sent a byte at a time, each within a second: the deadline is for all of them
    with connect(port) as sock:
        head = f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Slow: {'x' * 200}\r\n\r\n"
        closed = False
        for byte in head.encode():
            try:
                sock.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            time.sleep(0.05)
        answer, closed_after = read_until_closed(sock)
    assert closed or (closed_after and answer == b""), answer[:200]
    # a body that stops half-way: answered 408 and closed
    with connect(port) as sock:
        sock.sendall(f"POST /extract HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                     "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 100000"
                     "\r\n\r\n--x\r\n".encode())
        answer, closed = read_until_closed(sock)
    assert closed and status_of(answer) == 408 and "上传超时" in answer.decode()
    # an idle kept-alive connection, after its answer
    with connect(port) as sock:
        sock.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        answer, closed = read_until_closed(sock)
    assert closed and status_of(answer) == 200
    with urllib.request.urlopen(impatient.url, timeout=CEILING) as response:
        assert response.status == 200  # and the page answers on


def test_many_slow_uploads_leave_the_page_answering():
    with serving(uploads=2, queue=3, body_idle_seconds=CEILING * 2,
                 body_seconds=CEILING * 2) as s:
        _many_slow_uploads(s)


def _many_slow_uploads(s: Server) -> None:
    port, hanging = port_of(s), []
    try:
        for _ in range(30):  # uploads that send their headers and a little, then hang
            sock = connect(port)
            sock.sendall(f"POST /extract HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                         "Content-Type: multipart/form-data; boundary=x\r\n"
                         "Content-Length: 10000000\r\n\r\n--x\r\n".encode())
            hanging.append(sock)
        for _ in range(3):
            with urllib.request.urlopen(s.url, timeout=CEILING) as response:
                assert response.status == 200 and b'name="file"' in response.read()
        # all but the two being read and the three waiting were turned away at once
        busy = 0
        for sock in hanging:
            answer, closed = read_until_closed(sock, ceiling=0.5)
            if closed:
                assert status_of(answer) == 503 and "服务正忙" in answer.decode(), answer
                busy += 1
        assert busy == 30 - 2 - 3
    finally:
        for sock in hanging:
            sock.close()
    for _ in range(CEILING):  # once the server has seen them go, an upload is read again
        status, _, body = post(s.url + "extract", [upload(QINGLAN)], timeout=CEILING)
        if status != 503:
            break
        time.sleep(1)
    assert status == 200 and body.count(b"<tr data-area=") == len(load_plan(QINGLAN).tasks)


def test_a_flood_of_connections_never_runs_the_server_out_of_files():
    """With 64 files allowed and 150 connections held, connections are capped below the
    file limit (the rest closed at once): no traceback, and once they go the page
    answers."""
    import resource

    def few_files():
        resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))

    with serving(few_files, header_seconds=CEILING) as s:
        _many_connections(s)


def test_out_of_files_the_accept_loop_says_so_in_one_line(capsys):
    """What asyncio's accept loop reports for each accept it tries when the process is out
    of files (and for each retry once the socket is closed): one Chinese line a minute."""
    import asyncio
    import errno

    from taskmap.web.server import _QuietAccept

    loop = asyncio.new_event_loop()
    try:
        quiet, listening = _QuietAccept(), socket.socket()
        for _ in range(1000):
            quiet(loop, {"message": "socket.accept() out of system resource",
                         "exception": OSError(errno.EMFILE, "Too many open files"),
                         "socket": listening})
            handle = loop.call_later(1, loop._start_serving)  # as asyncio's retry
            handle.cancel()
            quiet(loop, {"message": f"Exception in callback {handle}",
                         "exception": ValueError("Invalid file descriptor: -1"),
                         "handle": handle})
        listening.close()
    finally:
        loop.close()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "文件描述符用尽" in err, err


def _many_connections(s: Server) -> None:
    port, held = port_of(s), []
    try:
        for _ in range(150):
            held.append(connect(port))
        time.sleep(3)  # the accept loop retries each second
    finally:
        for sock in held:
            sock.close()
    for _ in range(CEILING):
        try:
            with urllib.request.urlopen(s.url, timeout=CEILING) as response:
                assert response.status == 200
                break
        except OSError:
            time.sleep(1)
    else:
        raise AssertionError("the page did not answer again")


# parsing in a child --------------------------------------------------------------------

def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.add(child)
            todo.append(child)
    return out


def test_a_parse_over_its_time_limit_costs_that_upload_only():
    with serving(parse_seconds=3) as s:
        post(s.url + "extract", [upload(QINGLAN)], timeout=CEILING)  # the children's server
        before = _descendants(s.proc.pid)
        slow = tasks_plan(40_000)  # some 30 s of parsing
        status, _, body = post(s.url + "extract", [("file", "慢.txt", slow)], timeout=CEILING)
        page = body.decode()
        assert status == 400 and "慢.txt:读取超过 3 秒,已停止" in page, page[-2000:]
        assert _descendants(s.proc.pid) == before  # the child is gone, not parsing on
        # among good files, the slow one is named and the others are read
        status, _, body = post(s.url + "extract", [upload(QINGLAN), ("file", "慢.txt", slow)],
                               timeout=CEILING)
        assert status == 200 and "慢.txt:读取超过" in body.decode()
        assert body.count(b"<tr data-area=") == len(load_plan(QINGLAN).tasks)
        status, _, body = post(s.url + "extract", [upload(QINGLAN)], timeout=CEILING)
        assert status == 200 and body.count(b"<tr data-area=") == len(load_plan(QINGLAN).tasks)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS is Linux's")
def test_a_parse_over_its_memory_limit_costs_that_upload_only():
    with serving(parse_memory="16M") as s:
        status, _, body = post(s.url + "extract", [("file", "大.txt", tasks_plan(8_000))],
                               timeout=CEILING * 2)
        page = body.decode()
        assert status == 400 and "大.txt:读取时超出内存上限" in page, page[-2000:]
        status, _, body = post(s.url + "extract", [upload(QINGLAN)], timeout=CEILING)
        assert status == 200 and body.count(b"<tr data-area=") == len(load_plan(QINGLAN).tasks)


# clients that go away -------------------------------------------------------------------

def test_a_client_that_goes_away_leaves_no_traceback():
    with serving() as s:
        port = port_of(s)
        content_type, body = multipart("plan.txt", tasks_plan(2_000))
        head = (f"POST /extract HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n").encode()
        for cut in (len(body) // 2, 10, len(body)):  # mid-body, at once, while parsing
            for reset in (False, True):
                sock = connect(port)
                if reset:  # a reset, not a close
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                sock.sendall(head + body[:cut])
                time.sleep(0.3)
                sock.close()
        status, _, answer = post(s.url + "extract", [upload(QINGLAN)], timeout=CEILING)
        assert status == 200 and answer.count(b"<tr data-area=") == len(load_plan(QINGLAN).tasks)
        time.sleep(3)  # the parses of the gone clients end


def test_ctrl_c_while_a_plan_is_parsed_leaves_no_traceback_and_no_process():
    s = Server()
    answers: list = []
    sending = threading.Thread(target=lambda: answers.append(post(
        s.url + "extract", [("file", "慢.txt", tasks_plan(20_000))], timeout=CEILING)))
    sending.start()
    try:
        time.sleep(3)  # the upload is in, its child parsing
        family = _descendants(s.proc.pid)
        assert family  # the forkserver and the parse child
        s.proc.send_signal(signal.SIGINT)
        assert s.proc.wait(CEILING) == 130
        sending.join(CEILING)
    finally:
        s.stop()
    log = "".join(s.log)
    assert not re.search(r"Traceback|ERROR|Exception", log), log
    status, _, body = answers[0]
    assert status == 503 and "正在停止" in body.decode()
    for _ in range(CEILING):
        if not any(Path(f"/proc/{pid}").exists() for pid in family):
            break
        time.sleep(1)
    else:
        raise AssertionError("a child of the server outlived it")


def test_every_demo_plan_still_reads_through_its_child(server):
    plans = sorted(DATA.glob("*.txt"))[:4]
    status, _, body = post(server.url + "extract", [upload(p) for p in plans], timeout=CEILING)
    assert status == 200
    assert body.count(b"<tr data-area=") == sum(len(load_plan(p).tasks) for p in plans)
