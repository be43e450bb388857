"""Corrections: one library function (`taskmap.apply_edits`) makes a clerk's corrections the
plan, whether typed in taskmap's workbook (read back), on the web page, or in a notebook.

- the library: each kind of correction gives the same plan as the same correction typed
  into the workbook and read back;
- scripts: the page's field `edits`, posted with the files to /export and /extract, is
  made the plan; a malformed one, or one naming a task or a file not there, is a 400 with
  one Chinese line, never dropped;
- the browser (Chromium through Playwright, a real `taskmap serve`): rows and the plan's
  title corrected on the page, marked, undone, carried into the workbook and the Word
  file, and the downloaded workbook read again shows them; a foreign workbook or CSV is
  refused in one line; without JavaScript the page still reads and downloads.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from conftest import DATA
from openpyxl import Workbook, load_workbook
from test_web import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    QINGLAN,
    Server,
    _saved,
    needs_chromium,
    post,
    watched,
)
from test_web import _view as view

from taskmap import EditError, PlanEdits, apply_edits, load_plan, parse_text
from taskmap.models import LEAD, RESPONSIBLE
from taskmap.names.edits import cell
from taskmap.pipeline import national_table
from taskmap.present.labels import ROLE_LABELS
from taskmap.present.xlsx.workbook import TASKS_SHEET, write_workbook

YUNXI = DATA / "yunxi_district_carbon_plan.txt"
HEADERS = {"area": "行动领域", "title": "重点任务", "lead": "牵头单位", "responsible": "责任单位",
           "deadline": "完成时限"}


@pytest.fixture(scope="module")
def plan():
    return load_plan(YUNXI)


def roles(task, role: str) -> list[str]:
    return [a.raw for a in task.assignments if a.role == role and not a.implicit]


# the library: the same plan as the workbook read back -----------------------------------

def book_edited(plan, folder: Path, title: str | None, rows: dict[int, dict[str, str]]):
    """`plan` written to taskmap's workbook, the cells `rows` (task index → key → text) and
    the cover's 方案名称 typed as a clerk types them, read back."""
    path = write_workbook([plan], folder / "分解表.xlsx")
    wb = load_workbook(path)
    ws = wb[TASKS_SHEET]
    cols = {c.value: c.column for c in ws[1] if c.value}
    for k, cells in rows.items():
        for key, text in cells.items():
            ws.cell(k + 2, cols[HEADERS[key]]).value = text or None
    if title is not None:
        cover = wb["说明"]
        at = next(c for r in cover.iter_rows(max_row=10) for c in r if c.value == "方案名称")
        cover.cell(at.row + 1, at.column).value = title or None
    wb.save(folder / "改后.xlsx")
    return load_plan(folder / "改后.xlsx")


CASES = {
    # a lead replaced by a body another row names
    "lead": (None, {0: {"lead": "区财政局"}}),
    # a body added to a list (the cell as written, one more)
    "add a body": (None, {7: {"responsible": "区财政局、各街道办事处、区城管局"}}),
    # fields cleared: an area, a deadline, a lead
    "clear": (None, {1: {"area": ""}, 10: {"deadline": "", "lead": ""}}),
    "title": ("芸溪区碳达峰实施方案(修订稿)", {}),
    "all at once": ("新方案名", {2: {"title": "提升电网调节和储能能力", "deadline": "2026年6月底前",
                                   "responsible": "区发改委;区工信局/区能源局"}}),
}


@pytest.mark.parametrize("case", CASES)
def test_apply_edits_gives_the_plan_the_workbook_round_trip_gives(plan, tmp_path, case):
    title, rows = CASES[case]
    edits = PlanEdits(tasks={plan.tasks[k].id: cells for k, cells in rows.items()},
                      title=title)
    mine = apply_edits(plan, edits, national_table())
    book = book_edited(plan, tmp_path, title, rows)
    assert mine.tasks == book.tasks
    assert mine.context == book.context
    assert (mine.tasks, mine.context) != (plan.tasks, plan.context)  # something changed
    for k, cells in rows.items():  # each cell now says what was typed (lists with 、)
        for key, text in cells.items():
            assert cell(mine.tasks[k], key) == "、".join(re.split(r"[、;/]", text))
    untouched = [i for i in range(len(plan.tasks)) if i not in rows]
    assert [mine.tasks[i] for i in untouched] == [plan.tasks[i] for i in untouched]


def test_a_body_typed_resolves_as_the_plans_own_name_for_it(plan):
    mine = apply_edits(plan, PlanEdits(tasks={"T001": {"lead": "区财政局"}}), national_table())
    own = {a.agency for t in plan.tasks for a in t.assignments if a.raw == "区财政局"}
    assert {a.agency for a in mine.tasks[0].assignments if a.role == LEAD} == own
    assert roles(mine.tasks[0], RESPONSIBLE) == roles(plan.tasks[0], RESPONSIBLE)


def test_an_edited_deadline_gets_its_due_date_and_a_cleared_one_none(plan):
    mine = apply_edits(plan, PlanEdits(tasks={"T001": {"deadline": "2030年底前"},
                                              "T011": {"deadline": ""}}))
    assert (mine.tasks[0].due, mine.tasks[0].due_kind) == ("2030-12-31", "date")
    assert plan.tasks[10].deadline and plan.tasks[10].due
    assert (mine.tasks[10].deadline, mine.tasks[10].due, mine.tasks[10].due_kind) == (
        None, None, None)


def test_bodies_a_standing_statement_implied_stay_when_the_list_is_typed():
    q = load_plan(QINGLAN)
    task = next(t for t in q.tasks if any(a.implicit for a in t.assignments))
    mine = apply_edits(q, PlanEdits(tasks={task.id: {"responsible": "市财政局"}}))
    edited = next(t for t in mine.tasks if t.id == task.id)
    assert roles(edited, RESPONSIBLE) == ["市财政局"]
    assert [a.raw for a in edited.assignments if a.implicit] == [
        a.raw for a in task.assignments if a.implicit]


def test_no_edit_is_the_plan_and_a_title_none_keeps_it(plan):
    assert apply_edits(plan, PlanEdits()) is plan
    assert not PlanEdits() and PlanEdits(title="")
    assert apply_edits(plan, PlanEdits(title="")).context.title is None
    assert apply_edits(plan, PlanEdits(title=None)).context == plan.context


def test_removed_and_added_tasks(plan):
    mine = apply_edits(plan, PlanEdits(removed=frozenset({"T002"}), added=(
        {"title": "建设智慧能源平台", "lead": "区发改委"},)))
    assert [t.id for t in mine.tasks] == [t.id for t in plan.tasks if t.id != "T002"] + ["W001"]
    assert mine.tasks[-1].agencies(LEAD) == ["区发改委"]


@pytest.mark.parametrize(("edits", "said"), [
    (PlanEdits(tasks={"T999": {"lead": "区财政局"}}), "T999"),
    (PlanEdits(removed=frozenset({"X1"})), "X1"),
    (PlanEdits(tasks={"T001": {"leader": "张三"}}), "“leader”不能修改;可修改的是 area、"),
    (PlanEdits(tasks={"T001": {"lead": 3}}), "应为文字"),  # type: ignore[dict-item]
])
def test_an_edit_that_cannot_be_made_is_an_error_never_dropped(plan, edits, said):
    with pytest.raises(EditError) as e:
        apply_edits(plan, edits)
    message = str(e.value)
    assert said in message and YUNXI.name in message and "\n" not in message
    assert re.search(r"[\u4e00-\u9fff]{4}", message)


# scripts: the field `edits` ----------------------------------------------------------------

@pytest.fixture(scope="module")
def server():
    s = Server()
    yield s
    s.stop()
    errors = [line for line in s.log if "Traceback" in line or "ERROR" in line]
    assert not errors, "".join(s.log)


def yunxi_file() -> tuple[str, str, bytes]:
    return "file", YUNXI.name, YUNXI.read_bytes()


def edits_field(tasks: dict, title: str | None = None, source: str = YUNXI.name):
    plan = {"tasks": tasks, **({"title": title} if title is not None else {})}
    return [("edits", json.dumps({source: plan}, ensure_ascii=False))]


def messages(body: bytes) -> list[str]:
    page = body.decode()
    alert = page[page.index('class="errors"'):]
    return re.findall(r"<li>(.*?)</li>", alert[:alert.index("</div>")], re.S)


def test_the_csv_download_carries_the_edits(server, plan):
    status, _, body = post(server.url + "export?format=csv", [yunxi_file()],
                           edits_field({"T001": {"lead": "区财政局", "area": "能源保供行动"}}))
    assert status == 200
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    first = [r for r in rows if r["任务编号"] == "T001"]
    assert {r["原文写法"] for r in first if r["角色"] == ROLE_LABELS[LEAD]} == {"区财政局"}
    assert {r["行动领域"] for r in first} == {"能源保供行动"}
    assert {r["行动领域"] for r in rows if r["任务编号"] == "T002"} == {plan.tasks[1].area}


def test_the_view_with_edits_counts_them(server, plan):
    status, _, before = post(server.url + "extract", [yunxi_file()])
    status, _, after = post(server.url + "extract", [yunxi_file()], edits_field(
        {t.id: {"lead": "区财政局"} for t in plan.tasks[:3]}, title="改过的方案名称"))
    assert status == 200

    def lead_count(page: bytes, name: str) -> int:  # in the lead matrix, the first
        row = re.search(rf'<tr><th scope="row">{name}</th>.*?<td class="num total">(\d+)</td>',
                        page.decode(), re.S)
        return int(row.group(1)) if row else 0

    assert lead_count(after, "区财政局") == lead_count(before, "区财政局") + 3
    assert "改过的方案名称" in after.decode() and "改过的方案名称" not in before.decode()
    # the page keeps the edits it made in the form, for the next download
    field = re.search(r'name="edits" id="edits" value="([^"]*)"', after.decode()).group(1)
    assert json.loads(field.replace("&#34;", '"'))[YUNXI.name]["title"] == "改过的方案名称"


@pytest.mark.parametrize(("field", "said"), [
    ("{not json", "不是有效的 JSON"),
    ("[1, 2]", "格式不对"),
    (json.dumps({YUNXI.name: {"tasks": {"T001": {"lead": 3}}}}), "格式不对"),
    (json.dumps({YUNXI.name: {"tasks": {"T001": {"owner": "区财政局"}}}}), "“owner”不能修改"),
    (json.dumps({YUNXI.name: {"tasks": {"T999": {"lead": "区财政局"}}}}), "T999"),
    (json.dumps({"另一个方案.txt": {"title": "x"}}), "另一个方案.txt"),
    (json.dumps({YUNXI.name: {"title": "长" * 3000}}), "过长"),
    ("{" + " " * (300 * 1024) + "}", "太多"),
])
@pytest.mark.parametrize("route", ["export?format=xlsx", "extract"])
def test_bad_edits_are_a_400_with_one_chinese_line(server, field, said, route):
    status, headers, body = post(server.url + route, [yunxi_file()], [("edits", field)])
    assert status == 400 and headers["Content-Type"].startswith("text/html")
    lines = messages(body)
    assert len(lines) == 1 and said in lines[0], lines
    assert re.search(r"[\u4e00-\u9fff]{4}", lines[0]) and "\n" not in lines[0]
    assert "<tr data-area=" not in body.decode()  # nothing half-edited is shown


def test_edits_as_a_file_part_and_non_utf8_text(server):
    data = json.dumps({YUNXI.name: {"title": "新名称"}}, ensure_ascii=False).encode()
    status, _, body = post(server.url + "extract", [yunxi_file(), ("edits", "e.json", data)])
    assert status == 200 and "新名称" in body.decode()
    status, _, body = post(server.url + "extract", [yunxi_file(),
                                                    ("edits", "e.json", "标题".encode("gbk"))])
    assert status == 400 and "UTF-8" in messages(body)[0]


def test_two_plans_edits_go_to_their_own_plan(server, plan):
    qinglan = load_plan(QINGLAN)
    fields = [("edits", json.dumps({
        QINGLAN.name: {"title": "青岚市新方案", "tasks": {"T001": {"lead": "市财政局"}}},
        YUNXI.name: {"tasks": {"T001": {"area": "芸溪新领域"}}}}, ensure_ascii=False))]
    status, _, body = post(server.url + "export?format=xlsx",
                           [yunxi_file(), ("file", QINGLAN.name, QINGLAN.read_bytes())], fields)
    assert status == 200
    book = load_workbook(io.BytesIO(body))
    sheet = book[TASKS_SHEET]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)
            if r[0] is not None]
    by_plan: dict[str, list[dict]] = {}
    for r in rows:
        by_plan.setdefault(r["所属方案"], []).append(r)
    ours, theirs = by_plan.values()  # in the order of the files
    assert len(ours) == len(plan.tasks) and len(theirs) == len(qinglan.tasks)
    assert (ours[0]["行动领域"], ours[0]["牵头单位"]) == ("芸溪新领域", cell(plan.tasks[0], "lead"))
    assert (theirs[0]["行动领域"], theirs[0]["牵头单位"]) == (qinglan.tasks[0].area, "市财政局")
    cover = [c for r in book["说明"].iter_rows(values_only=True) for c in r if c]
    assert "青岚市新方案" in cover and plan.context.title in cover


def test_an_empty_edits_field_is_no_edit(server, plan):
    status, _, body = post(server.url + "extract", [yunxi_file()], [("edits", "")])
    assert status == 200 and body.decode().count("<tr data-area=") == len(plan.tasks)


# the browser ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                              args=CHROMIUM_FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN",
                                  accept_downloads=True)
    context.set_default_timeout(30_000)
    tab = context.new_page()
    problems = watched(tab)
    yield tab
    context.close()
    assert not problems, problems


def row_of(page, task_id: str):
    return page.locator(f'#tasks tbody tr[data-task="{task_id}"]')


def edit_row(page, task_id: str, **values: str) -> None:
    row = row_of(page, task_id)
    row.locator("button.edit-row").click()
    for key, text in values.items():
        row.locator(f"[aria-label={HEADERS[key]}]").fill(text)
    row.locator("button.save").click()


def edit_title(page, text: str) -> None:
    page.locator("table.plans button.edit-title").click()
    page.locator("input[aria-label=方案名称]").fill(text)
    page.locator("input[aria-label=方案名称]").press("Enter")


NEW_LEAD = "区财政局"  # leads T021: a body from another row
NEW_AREA = "能源保供行动"
NEW_TASK = "严格控制煤炭消费总量"
NEW_TITLE = "芸溪区碳达峰实施方案(修订稿)"


@needs_chromium
def test_browser_edits_go_into_the_workbook_the_word_file_and_back(page, server, plan,
                                                                  tmp_path):
    view(page, server, YUNXI)
    first = plan.tasks[0]
    edit_row(page, first.id, lead=NEW_LEAD, area=NEW_AREA, title=NEW_TASK)
    edit_title(page, NEW_TITLE)
    row = row_of(page, first.id)
    assert "edited" in row.get_attribute("class") and "已修改" in row.inner_text()
    assert row.locator("td.lead").inner_text() == NEW_LEAD
    assert row.locator("td.area").inner_text() == NEW_AREA
    assert row.locator(".title").inner_text() == NEW_TASK
    assert "已修改" in page.inner_text("td.plan-title")
    assert page.locator("#edits-bar").is_visible()
    assert "1 项任务、1 个方案名称" in page.inner_text("#edits-bar")
    assert page.locator("#tasks tbody tr.edited").count() == 1

    with page.expect_download() as download:
        page.click("button:has-text('下载 Excel 工作簿')")
    book = load_workbook(_saved(download.value, tmp_path))
    sheet = book[TASKS_SHEET]
    header = [c.value for c in sheet[1]]
    values = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] is not None]
    at = {key: header.index(h) for key, h in HEADERS.items()}
    assert (values[0][at["lead"]], values[0][at["area"]], values[0][at["title"]]) == (
        NEW_LEAD, NEW_AREA, NEW_TASK)
    assert values[1][at["lead"]] == cell(plan.tasks[1], "lead")  # the others as they were
    cover = [c for r in book["说明"].iter_rows(values_only=True) for c in r if c]
    assert NEW_TITLE in cover and plan.context.title not in cover

    with page.expect_download() as download:
        page.click("button:has-text('下载 Word 任务分解表')")
    word = docx.Document(str(_saved(download.value, tmp_path)))
    assert NEW_TITLE in "\n".join(p.text for p in word.paragraphs)
    rows = [[c.text for c in r.cells] for t in word.tables for r in t.rows]
    edited = next(r for r in rows if any(c.startswith(NEW_TASK) for c in r))
    assert NEW_LEAD in edited and cell(first, "lead") not in edited

    # the downloaded workbook, uploaded again: the page shows the edits as the plan's
    book_path = tmp_path / "分解表.xlsx"
    with page.expect_download() as download:
        page.click("button:has-text('下载 Excel 工作簿')")
    download.value.save_as(book_path)
    view(page, server, book_path)
    row = row_of(page, first.id)
    assert row.locator("td.lead").inner_text() == NEW_LEAD
    assert row.locator("td.area").inner_text() == NEW_AREA
    assert row.locator(".title").inner_text() == NEW_TASK
    assert page.inner_text("td.plan-title .title-text") == NEW_TITLE
    assert page.locator("#tasks tbody tr.edited").count() == 0  # now the plan itself
    assert page.locator("#tasks tbody tr").count() == len(plan.tasks)


@needs_chromium
def test_browser_undo_recount_and_keyboard(page, server, plan):
    view(page, server, YUNXI)
    original = row_of(page, "T002").inner_text()
    # by keyboard: 修改, type, Enter saves; Escape cancels
    row_of(page, "T002").locator("button.edit-row").focus()
    page.keyboard.press("Enter")
    lead = row_of(page, "T002").locator("textarea[aria-label=牵头单位]")
    assert lead.evaluate("e => e === document.activeElement")
    lead.fill(NEW_LEAD)
    page.keyboard.press("Enter")
    assert row_of(page, "T002").locator("td.lead").inner_text() == NEW_LEAD
    assert json.loads(page.input_value("#edits")) == {
        YUNXI.name: {"tasks": {"T002": {"lead": NEW_LEAD}}}}
    row_of(page, "T003").locator("button.edit-row").click()
    row_of(page, "T003").locator("input[aria-label=行动领域]").fill("不要的领域")
    page.keyboard.press("Escape")
    assert row_of(page, "T003").locator("td.area").inner_text() == plan.tasks[2].area
    assert "T003" not in page.input_value("#edits")
    # the same text again is no edit
    edit_row(page, "T004", area=plan.tasks[3].area)
    assert page.locator("#tasks tbody tr.edited").count() == 1

    # recounted: the ranking moves one lead to the new body
    def leads(name: str) -> int:
        row = page.locator('[data-matrix="lead"] table.heat tbody tr',
                           has=page.locator(f"th:text-is('{name}')"))
        return int(row.locator("td.total").text_content()) if row.count() else 0

    before = leads(NEW_LEAD)
    page.click("#edits-apply")
    page.wait_for_function("() => !document.querySelector('#result .busy')")
    page.wait_for_selector("#tasks")
    assert leads(NEW_LEAD) == before + 1
    assert row_of(page, "T002").locator("td.lead").inner_text() == NEW_LEAD
    assert "edited" in row_of(page, "T002").get_attribute("class")  # still marked, undoable
    row_of(page, "T002").locator("button.undo").click()
    assert page.input_value("#edits") == ""
    assert row_of(page, "T002").locator("td.lead").inner_text() == cell(plan.tasks[1], "lead")
    assert not page.locator("#edits-bar").is_visible()
    # undone before any recount: the row exactly as it was
    view(page, server, YUNXI)
    edit_row(page, "T002", lead=NEW_LEAD, responsible="")
    assert row_of(page, "T002").locator("td.responsible").inner_text() == ""
    row_of(page, "T002").locator("button.undo").click()
    assert row_of(page, "T002").inner_text() == original
    # and the table's text stays text
    edit_row(page, "T002", title="<b>加粗</b><script>x()</script>")
    assert row_of(page, "T002").locator(".title").inner_text() == "<b>加粗</b><script>x()</script>"
    assert row_of(page, "T002").locator("b, script").count() == 0
    page.click("#edits-apply")
    page.wait_for_selector("#tasks")
    assert row_of(page, "T002").locator(".title").inner_text() == "<b>加粗</b><script>x()</script>"
    assert row_of(page, "T002").locator("b, script").count() == 0
    # other files chosen: the edits are gone with the files they were made to
    page.set_input_files("input[name=file]", [str(QINGLAN)])
    assert page.input_value("#edits") == ""


def foreign_files(folder: Path) -> list[Path]:
    wb = Workbook()
    wb.active.append(["文件名", "统计口径", "金额"])
    wb.active.append(["某某.docx", "按单位", 3])
    wb.save(folder / "预算.xlsx")
    (folder / "名单.csv").write_text("姓名,金额\n张三,3\n", encoding="utf-8")
    return [folder / "预算.xlsx", folder / "名单.csv"]


@needs_chromium
def test_browser_refuses_a_foreign_workbook_and_csv_in_one_line(page, server, tmp_path):
    for path in foreign_files(tmp_path):
        view(page, server, path)
        lines = page.locator("#result .errors li").all_inner_texts()
        assert len(lines) == 1 and lines[0].startswith(f"{path.name}:既不是方案或任务分工表")
        assert page.locator("#tasks").count() == 0
    view(page, server, YUNXI)  # the page goes on
    assert page.locator("#tasks tbody tr").count() == len(load_plan(YUNXI).tasks)


@needs_chromium
def test_browser_without_javascript_still_reads_and_downloads(browser, server, tmp_path):
    context = browser.new_context(java_script_enabled=False, accept_downloads=True,
                                  locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(server.url)
        page.set_input_files("input[name=file]", str(YUNXI))
        page.click("button[data-view]")
        page.wait_for_selector("#tasks")
        assert page.locator("#tasks tbody tr").count() == len(load_plan(YUNXI).tasks)
        assert not page.locator("button.edit-row").first.is_visible()
        assert "修改任务需要浏览器启用 JavaScript" in page.inner_text("#result")
        page.set_input_files("input[name=file]", str(YUNXI))
        with page.expect_download() as download:
            page.click("button:has-text('下载 CSV')")
        assert download.value.suggested_filename.endswith(".csv")
    finally:
        context.close()


def test_the_page_keeps_plan_text_text_in_its_data(server):
    text = ("一、重点任务\n(一)领域'\"<i>\n"
            "1.推进工作。(牵头单位:区发改委,责任单位:区财政局'<b>)\n")
    status, _, body = post(server.url + "extract", [("file", "x.txt", text.encode())])
    page = body.decode()
    assert status == 200
    original = re.search(r"data-original='([^']*)'", page).group(1)
    task = parse_text(text, source="x.txt").tasks[0]
    assert "<" not in original and "'" in task.area + cell(task, "responsible")
    assert json.loads(original) == {key: cell(task, key) for key in HEADERS}


def test_plan_edits_is_frozen_and_plain(plan):
    edits = PlanEdits(tasks={"T001": {"lead": NEW_LEAD}})
    with pytest.raises(AttributeError):
        edits.title = "x"  # type: ignore[misc]
    assert replace(edits, title="y").title == "y"
