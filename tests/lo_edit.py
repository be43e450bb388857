"""Edit cells of a workbook in LibreOffice Calc, as a clerk would, and save it as .xlsx.

Run by the system Python that carries LibreOffice's UNO bridge (python3-uno), not by the
project's: `python3 lo_edit.py BOOK.xlsx SHEET ROW HEADER VALUE [...]` — each edit a sheet
name, a 1-based row (or `below`: the cell under HEADER's), the text of the column's header
cell (found in the sheet's first 10 rows and 40 columns) and the new text. The file is
saved in place by Calc's own Excel 2007-365 filter."""

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.beans import PropertyValue


def _prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main(path, edits):
    profile = tempfile.mkdtemp(prefix="lo-uno-")
    pipe = f"taskmap_{os.getpid()}"
    office = subprocess.Popen(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--invisible",
         "--nologo", "--norestore", f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        for _ in range(600):
            try:
                ctx = resolver.resolve(
                    f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                time.sleep(0.1)
        else:
            raise SystemExit("LibreOffice did not answer")
        desktop = ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", ctx)
        url = uno.systemPathToFileUrl(os.path.abspath(path))
        doc = desktop.loadComponentFromURL(url, "_blank", 0, (_prop("Hidden", True),))
        for sheet_name, row, header, value in edits:
            sheet = doc.Sheets.getByName(sheet_name)
            column, under = _find(sheet, header)
            sheet.getCellByPosition(column, under if row == "below" else int(row) - 1
                                    ).setString(value)
        doc.storeToURL(url, (_prop("FilterName", "Calc Office Open XML"),))
        doc.close(True)
        with contextlib.suppress(Exception):  # the office may be gone already
            desktop.terminate()
    finally:
        try:
            office.wait(timeout=60)
        except subprocess.TimeoutExpired:
            office.kill()
        shutil.rmtree(profile, ignore_errors=True)


def _find(sheet, header):
    """The column of the cell saying `header`, and the (0-based) row under it."""
    for r in range(10):
        for c in range(40):
            if sheet.getCellByPosition(c, r).getString().strip() == header:
                return c, r + 1
    raise SystemExit(f"no column {header!r} in {sheet.Name}")


if __name__ == "__main__":
    args = sys.argv[2:]
    main(sys.argv[1], [args[k:k + 4] for k in range(0, len(args), 4)])
