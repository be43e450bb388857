"""The local web page, driven for real: `taskmap serve` runs in a subprocess on a free port,
headless Chromium (/usr/bin/chromium, through Playwright) uploads our demo plans, reads the
table, filters it, downloads the workbook and the CSV and opens them; scripts post to the
same routes with urllib. What the page shows is checked against the library's own answer
for the same file. The browser tests skip when Chromium is absent, unless
TASKMAP_REQUIRE_PARTS=1 (CI), where they fail. The 1366×768 screenshot they take is
docs/web.png, shown in the README."""

from __future__ import annotations

import csv
import io
import os
import re
import select
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from conftest import DATA, ROOT, needs
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from taskmap import diff_plans, load_plan
from taskmap.engine import agency_summary, assignments_frame, build_matrix
from taskmap.models import LEAD
from taskmap.present.changes import GAP, segments, shown
from taskmap.web.views import wording_diff

CHROMIUM = Path("/usr/bin/chromium")
QINGLAN = DATA / "qinglan_city_industry_plan.txt"
YUNXI = DATA / "yunxi_district_carbon_plan.txt"
DRAFT = DATA / "diff" / "wutong_county_plan_draft.txt"
FINAL = DATA / "diff" / "wutong_county_plan_final.txt"
SCREENSHOT = ROOT / "docs" / "web.png"
MAX_UPLOAD_MB = 1
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


def _playwright_installed() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


needs_chromium = needs(CHROMIUM.exists() and _playwright_installed(),
                       "Chromium (/usr/bin/chromium) with the playwright package")


# the server ---------------------------------------------------------------------------

class Server:
    """`taskmap serve` in a subprocess; its stderr collected (to show no server error)."""

    def __init__(self, *args: str, browser: bool = False, env: dict | None = None,
                 preexec_fn=None):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "taskmap", "serve", "--port", "0", *args,
             *([] if browser else ["--no-browser"])],
            cwd=ROOT, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
            env=env, preexec_fn=preexec_fn)
        self.log: list[str] = []
        self.url = self._address()
        threading.Thread(target=self._drain, daemon=True).start()

    def _address(self) -> str:
        for _ in range(100):  # at most 100 × 0.3 s
            ready, _, _ = select.select([self.proc.stderr], [], [], 0.3)
            if ready:
                line = self.proc.stderr.readline()
                self.log.append(line)
                found = re.search(r"http://[\w.:\[\]]+/", line)
                if found:
                    return found.group(0)
                if not line:
                    break
        self.stop()
        raise AssertionError("taskmap serve did not start: " + "".join(self.log))

    def _drain(self) -> None:
        for line in self.proc.stderr:
            self.log.append(line)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)


def _serving(*args: str):
    s = Server(*args)
    yield s
    s.stop()
    errors = [line for line in s.log if "Traceback" in line or "ERROR" in line]
    assert not errors, "".join(s.log)


@pytest.fixture(scope="module")
def server():
    """As a user starts it (the default upload limit)."""
    yield from _serving()


@pytest.fixture(scope="module")
def small_server():
    """With a 1 MB upload limit, to pass it cheaply."""
    yield from _serving("--max-upload", str(MAX_UPLOAD_MB))


def post(url: str, fields: list[tuple[str, str, bytes]], texts: list[tuple[str, str]] = (),
         timeout: float = 60):
    """POST multipart/form-data as a browser's form sends it: files (name, file name,
    bytes) and text fields (name, text) → (status, headers, body)."""
    boundary = uuid.uuid4().hex
    body = io.BytesIO()
    for name, filename, data in fields:
        body.write(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; "
                   f"filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                   .encode())
        body.write(data + b"\r\n")
    for name, text in texts:
        body.write(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n"
                   .encode() + text.encode() + b"\r\n")
    body.write(f"--{boundary}--\r\n".encode())
    request = urllib.request.Request(url, data=body.getvalue(), method="POST", headers={
        "Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def upload(path: Path, field: str = "file") -> tuple[str, str, bytes]:
    return field, path.name, path.read_bytes()


# scripts: the contract, and 20 uploads at once ---------------------------------------

def test_the_page_and_its_headers(server):
    with urllib.request.urlopen(server.url, timeout=30) as response:
        page = response.read().decode()
        csp = response.headers["Content-Security-Policy"]
    assert 'enctype="multipart/form-data"' in page and 'name="file"' in page
    assert "default-src 'self'" in csp
    # nothing is loaded from elsewhere: every src/href is local (or an in-page anchor)
    for link in re.findall(r'(?:src|href)="([^"]*)"', page):
        assert link.startswith(("/", "#", "data:")), link
    for static in ("taskmap.css", "taskmap.js"):
        text = (ROOT / "taskmap" / "web" / "static" / static).read_text(encoding="utf-8")
        assert not re.search(r"https?://|@import|url\(", text), static


def test_extract_answers_the_tasks_of_each_plan(server):
    status, _, body = post(server.url + "extract", [upload(QINGLAN), upload(YUNXI)])
    page = body.decode()
    assert status == 200
    tasks = len(load_plan(QINGLAN).tasks) + len(load_plan(YUNXI).tasks)
    assert page.count("<tr data-area=") == tasks
    assert f"任务分解表({tasks})" in page


def test_plan_text_is_text_on_the_page(server):
    plan = ("一、重点任务\n(一)<b>领域</b>\n"
            "1.<script>alert(1)</script>推进工作。(牵头单位:区发改委,责任单位:区财政局)\n")
    status, _, body = post(server.url + "extract", [("file", "<i>x</i>.txt", plan.encode())])
    page = body.decode()
    assert status == 200 and page.count("<tr data-area=") == 1
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>领域" not in page and "<i>x</i>" not in page


# rows by number, no header, which nothing reads: the plan's bodies are named unread
UNREAD_ROWS = ("溪岚县2024年重点工作任务\n"
               "1 推进县域商业体系建设 县商务局 年底前\n"
               "2 加强耕地保护 县农业农村局 县自然资源局 年底前\n"
               "3 实施城区雨污分流改造 县住建局 10月底前\n")
WHOLE_PLAN = "第2–4行多处列有单位名称,但未读出任务分工,请人工核对"


def test_a_plan_named_unread_is_an_alert_on_the_page(server):
    status, _, body = post(server.url + "extract", [("file", "rows.txt", UNREAD_ROWS.encode())])
    page = body.decode()
    assert status == 200 and "<tr data-area=" not in page
    alert = page[page.index('class="errors alerts" role="alert"'):]
    assert WHOLE_PLAN in alert[:alert.index("</div>")]


def test_export_csv_is_the_extract_csv_of_every_plan(server):
    status, headers, body = post(server.url + "export?format=csv", [upload(QINGLAN)])
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert "attachment" in headers["Content-Disposition"]
    assert body.startswith(b"\xef\xbb\xbf")  # Excel and WPS read it as UTF-8
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    plan = load_plan(QINGLAN)
    assert sum(r["记录类型"] == "任务分工" for r in rows) == sum(  # for people: Chinese
        len(t.assignments) for t in plan.tasks)
    assert {r["来源文件"] for r in rows} == {QINGLAN.name}


def test_word_downloads_are_the_libraries_word_files(server):
    """The 任务分解表 and the 修改对照表 as Word files, read back with python-docx."""
    import docx

    status, headers, body = post(server.url + "export?format=docx", [upload(QINGLAN)])
    assert status == 200 and headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml")
    document = docx.Document(io.BytesIO(body))
    cells = {c.text for table in document.tables for row in table.rows for c in row.cells}
    plan = load_plan(QINGLAN)
    for task in plan.tasks:
        assert any(c.startswith(task.title) for c in cells), task.title
    status, _, body = post(server.url + "diff?format=docx", [upload(DRAFT, "old"),
                                                             upload(FINAL, "new")])
    assert status == 200
    changes = docx.Document(io.BytesIO(body))
    text = "\n".join(p.text for p in changes.paragraphs)
    assert DRAFT.name in text and FINAL.name in text
    struck = [r for table in changes.tables for row in table.rows for c in row.cells
              for p in c.paragraphs for r in p.runs if r.font.strike]
    assert struck, "deletions are struck through"


def test_script_mistakes_get_a_chinese_message(server):
    status, _, body = post(server.url + "export?format=pdf", [upload(QINGLAN)])
    assert status == 400 and "不支持的下载格式" in body.decode()
    status, _, body = post(server.url + "extract", [])
    assert status == 400 and "请先选择至少一个方案文件" in body.decode()
    status, _, body = post(server.url + "diff", [upload(DRAFT, "old")])
    assert status == 400 and "各一个文件" in body.decode()
    status, _, body = post(server.url + "export?format=xlsx", [upload(QINGLAN),
                                                              ("file", "空.txt", b"")])
    assert status == 400 and "空.txt" in body.decode() and "未生成下载" in body.decode()


def test_twenty_uploads_at_once_are_all_answered(server):
    plans = sorted(p for p in DATA.glob("*.txt"))
    expected = {p: len(load_plan(p).tasks) for p in plans}
    start = threading.Barrier(20)
    answers: list[tuple[Path, int, str] | BaseException] = []

    def one(i: int) -> None:
        path = plans[i % len(plans)]
        try:
            start.wait(30)
            status, _, body = post(server.url + "extract", [upload(path)], timeout=120)
            answers.append((path, status, body.decode()))
        except BaseException as e:
            answers.append(e)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)
    assert len(answers) == 20
    for answer in answers:
        assert not isinstance(answer, BaseException), answer
        path, status, page = answer
        assert status == 200, (path, page[:500])
        assert page.count("<tr data-area=") == expected[path], path


def test_an_upload_over_the_limit_is_refused_and_the_server_goes_on(small_server):
    big = "1.推进工作。(牵头单位:区发改委)\n".encode() * (MAX_UPLOAD_MB * 1024 * 1024 // 40 + 1000)
    status, _, body = post(small_server.url + "extract", [("file", "big.txt", big)])
    assert status == 413 and "上传的文件太大:一次最多 1 MB" in body.decode()
    status, _, _ = post(small_server.url + "extract", [upload(QINGLAN)])
    assert status == 200


def test_serve_opens_the_browser_on_its_address(tmp_path):
    opened = tmp_path / "opened.txt"
    script = tmp_path / "browser.py"  # $BROWSER is the browser Python's webbrowser runs
    script.write_text(f"import sys; open({str(opened)!r}, 'w').write(sys.argv[1])\n")
    env = {**os.environ, "BROWSER": f"{sys.executable} {script} %s", "DISPLAY": ""}
    s = Server(browser=True, env=env)
    try:
        for _ in range(100):
            if opened.exists() and opened.read_text():
                break
            time.sleep(0.1)
        assert opened.read_text() == s.url
    finally:
        s.stop()


def test_serve_has_help():
    result = subprocess.run([sys.executable, "-m", "taskmap", "serve", "--help"],
                            capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0
    assert "--port" in result.stdout and "--no-browser" in result.stdout


def test_serve_port_in_use_is_one_chinese_line():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "taskmap", "serve", "--no-browser",
                                 "--port", str(port)], capture_output=True, text=True,
                                cwd=ROOT, timeout=60)
    assert result.returncode == 1
    assert f"端口 {port} 已被占用" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_without_the_web_extra_says_how_to_install_it():
    code = ("import sys; sys.modules['starlette'] = None\n"  # as if it were not installed
            "from taskmap.cli import run; sys.exit(run(['serve', '--no-browser']))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert result.returncode == 1
    assert "taskmap[web]" in result.stderr and "starlette" in result.stderr
    assert "Traceback" not in result.stderr


@given(st.text(alphabet="县市区局委牵头责任单位发改财政,。、()", max_size=30),
       st.text(alphabet="县市区局委牵头责任单位发改财政,。、()", max_size=30))
def test_wording_diff_rebuilds_both_texts(old, new):
    runs = wording_diff(old, new)
    assert "".join(t for op, t in runs if op != "ins") == old
    assert "".join(t for op, t in runs if op != "del") == new
    assert all(t for _, t in runs)
    if old == new:
        assert all(op == "same" for op, _ in runs)


# a real browser ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def page(server, tmp_path_factory):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=str(CHROMIUM),
            headless=True, args=CHROMIUM_FLAGS, viewport={"width": 1366, "height": 768},
            accept_downloads=True, locale="zh-CN")
        context.set_default_timeout(30_000)
        tab = context.new_page()
        problems = watched(tab)
        yield tab
        context.close()
    assert not problems, problems


def watched(tab) -> list[str]:
    """The script errors `tab` will meet, gathered as they come (a refused upload is an
    HTTP 400/413 the page shows: not a script error)."""
    problems: list[str] = []
    tab.on("pageerror", lambda e: problems.append(str(e)))
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" and
           not m.text.startswith("Failed to load resource") else None)
    return problems


def _view(page, server, *paths: Path) -> None:
    page.goto(server.url)
    page.set_input_files("input[name=file]", [str(p) for p in paths])
    page.click("button[data-view]")
    page.wait_for_selector("#result table.plans, #result .errors")


def _saved(download, folder: Path) -> Path:
    path = folder / download.suggested_filename
    download.save_as(path)
    return path


def _visible_lines(page) -> list[int]:
    return [int(x) for x in page.locator("#tasks tbody tr:visible td.line").all_inner_texts()]


@needs_chromium
def test_browser_upload_read_filter_sort_and_download(page, server, tmp_path):
    plan = load_plan(QINGLAN)
    _view(page, server, QINGLAN)
    rows = page.locator("#tasks tbody tr")
    assert rows.count() == len(plan.tasks)
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))
    assert SCREENSHOT.read_bytes()[16:24] == (1366).to_bytes(4, "big") + (768).to_bytes(4, "big")
    for row, task in zip(rows.all(), plan.tasks, strict=True):
        assert row.locator("td.line").inner_text() == str(task.line)
        assert row.locator(".title").inner_text() == task.title
        assert row.locator(".wording").text_content() == task.text + task.block  # the plan's words
        leads = [a.raw for a in task.assignments if a.role == LEAD]
        assert row.locator("td.lead .body").all_inner_texts() == list(dict.fromkeys(leads))
        implicit = {a.raw for a in task.assignments if a.implicit}
        assert set(row.locator(".body.implicit").all_inner_texts()) == implicit
    assert page.locator(".body.implicit").count() > 0  # the demo plan has a standing statement

    # filter by a body: the one that leads most, as the engine counts
    frame = assignments_frame([plan])
    top = agency_summary(frame).row(0, named=True)
    canonical = top["agency"]
    page.select_option("#f-body", top["display"])
    shares = [t.line for t in plan.tasks if any(a.agency == canonical for a in t.assignments)]
    assert _visible_lines(page) == shares
    page.select_option("#f-role", "lead")
    leads = [t.line for t in plan.tasks
             if any(a.agency == canonical and a.role == LEAD for a in t.assignments)]
    assert _visible_lines(page) == leads and len(leads) == top["lead"]
    assert page.inner_text("#f-count") == f"显示 {len(leads)} / {len(plan.tasks)} 项"
    area = plan.tasks[-1].area
    page.click("#f-clear")
    page.select_option("#f-area", area)
    assert _visible_lines(page) == [t.line for t in plan.tasks if t.area == area]
    page.click("#f-clear")
    page.fill("#f-text", plan.tasks[3].title)
    assert _visible_lines(page) == [plan.tasks[3].line]
    page.click("#f-clear")
    assert rows.locator("visible=true").count() == len(plan.tasks)

    page.click("#tasks th:has-text('行号')")  # ascending, then descending
    page.click("#tasks th:has-text('行号')")
    assert _visible_lines(page) == sorted((t.line for t in plan.tasks), reverse=True)

    with page.expect_download() as download:
        page.click("button:has-text('下载 Excel 工作簿')")
    assert download.value.suggested_filename == "qinglan_city_industry_plan_分工统计.xlsx"
    book = load_workbook(_saved(download.value, tmp_path))
    sheet = book["任务分解表"]
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["序号", "行动领域", "重点任务", "任务内容", "牵头单位"]
    assert {"进展情况", "完成状态", "原文行号"} <= set(header)
    line, title = header.index("原文行号"), header.index("重点任务")
    body = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] is not None]
    assert [r[line] for r in body] == [t.line for t in plan.tasks]
    assert [r[title] for r in body] == [t.title for t in plan.tasks]

    with page.expect_download() as download:
        page.click("button:has-text('下载 CSV')")
    rows_csv = list(csv.DictReader(io.StringIO(
        Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert len([r for r in rows_csv if r["记录类型"] == "任务分工"]) == sum(
        len(t.assignments) for t in plan.tasks)


@needs_chromium
def test_browser_workload_heat_map_and_ranking(page, server):
    plans = [load_plan(QINGLAN), load_plan(YUNXI)]
    _view(page, server, QINGLAN, YUNXI)
    page.click("[data-tab=workload]")
    frame = assignments_frame(plans)
    summary = agency_summary(frame)
    ranked = summary.filter(~summary["collective"]).head(15)
    names = page.locator("table.rank tbody tr td:nth-child(2)").all_inner_texts()
    assert names == ranked["display"].to_list()
    matrix = build_matrix(frame, role=LEAD)
    heat = page.locator('[data-matrix="lead"] table.heat tbody tr')
    assert heat.count() == matrix.height
    assert heat.nth(0).locator("td.total").inner_text() == str(matrix["合计"][0])
    # the other count (lead and share) is one click away
    page.check("input[name=matrix][value=all]")
    assert page.locator('[data-matrix="all"]').is_visible()
    assert not page.locator('[data-matrix="lead"]').is_visible()
    page.check("input[name=matrix][value=lead]")
    # a cell leads to its tasks
    cell = page.locator('[data-matrix="lead"] td[data-body]').first
    count = int(cell.inner_text())
    cell.click()
    assert page.locator("#tab-tasks").is_visible()
    assert len(_visible_lines(page)) == count


@needs_chromium
def test_browser_draft_and_final_show_struck_deletions_and_marked_additions(page, server,
                                                                          tmp_path):
    d = diff_plans(load_plan(DRAFT), load_plan(FINAL))
    page.goto(server.url + "compare")
    page.set_input_files("input[name=old]", str(DRAFT))
    page.set_input_files("input[name=new]", str(FINAL))
    page.click("button[data-view]")
    page.wait_for_selector("#pairs")
    assert page.locator("#pairs tbody tr").count() == len(d.tasks)
    for label, status in (("新增", "added"), ("删除", "removed"), ("调整", "changed")):
        assert page.inner_text(f".chip.s-{status}") == f"{label} {d.count(status)}"
    deleted = page.locator("#pairs td.old del").first
    style = deleted.evaluate("e => [getComputedStyle(e).textDecorationLine, "
                             "getComputedStyle(e).color]")
    assert "line-through" in style[0] and style[1] == "rgb(180, 35, 24)"
    assert page.locator("#pairs td.new ins").count() > 0
    # a task whose lead went to a share: its change, and the struck name in the old wording
    demoted = next(t for t in d.tasks if any(c.role == LEAD and c.change == "removed"
                                             for c in t.changes))
    row = page.locator("#pairs tbody tr", has_text=demoted.title).first
    assert "牵头－" in row.locator("td.changes").inner_text()
    old_text = row.locator("td.old").text_content()  # condensed, as in the Word 对照表
    assert old_text == shown(segments(demoted), "old")
    assert all(s in demoted.old.text + demoted.old.block
               for s in old_text.split(GAP)), old_text
    assert row.locator("td.old del").count() > 0
    # untouched tasks are hidden until asked for
    unedited = page.locator("#pairs tr.unedited")
    if unedited.count():
        assert not unedited.first.is_visible()
        page.uncheck("#only-edited")
        assert unedited.first.is_visible()
    with page.expect_download() as download:
        page.click("button:has-text('下载对照表')")
    assert download.value.suggested_filename == "修改对照表.xlsx"
    book = load_workbook(_saved(download.value, tmp_path))
    assert book.sheetnames[:3] == ["变更清单", "部门变化", "修改对照表"]


@needs_chromium
def test_browser_bad_uploads_get_a_chinese_message_and_the_page_goes_on(page, small_server,
                                                                      tmp_path):
    server = small_server
    junk = tmp_path / "junk.txt"
    junk.write_bytes(bytes(range(256)) * 64)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    big = tmp_path / "big.txt"
    big.write_bytes("1.推进工作。(牵头单位:区发改委)\n".encode() * 40_000)
    assert big.stat().st_size > MAX_UPLOAD_MB * 1024 * 1024
    expected = {junk: "junk.txt:", empty: "empty.txt:是空文件", big: "上传的文件太大"}
    for path, message in expected.items():
        _view(page, server, path)
        errors = page.inner_text("#result .errors")
        assert message in errors, errors
        assert re.search(r"[\u4e00-\u9fff]{4}", errors)
        assert page.locator("#tasks").count() == 0
        _view(page, server, QINGLAN)  # the page keeps working
        assert page.locator("#tasks tbody tr").count() == len(load_plan(QINGLAN).tasks)
    # a bad file among good ones: the good ones are shown, the bad one named
    _view(page, server, QINGLAN, junk)
    assert "junk.txt" in page.inner_text("#result .errors")
    assert page.locator("#tasks tbody tr").count() == len(load_plan(QINGLAN).tasks)


@needs_chromium
def test_browser_shows_the_whole_plan_warning_before_anything_else(page, server, tmp_path):
    path = tmp_path / "rows.txt"
    path.write_text(UNREAD_ROWS, encoding="utf-8")
    _view(page, server, path)
    alert = page.locator("#result [role=alert]")
    assert alert.is_visible() and WHOLE_PLAN in alert.inner_text()
    page.click("[data-tab=warnings]")
    first = page.locator("#tab-warnings table.warnings tbody tr").first
    assert first.is_visible() and WHOLE_PLAN in first.inner_text()
    assert page.locator("#tab-warnings tbody tr").count() == 4  # the plan's, then a line each
