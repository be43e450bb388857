"""Shared fixtures. Tests that need ../shared skip when it is absent, unless
TASKMAP_REQUIRE_SHARED=1 (set in .ci/run), where its absence is a failure."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TASKMAP_SHARED", ROOT.parent / "shared"))
DATA = ROOT / "data"
CASES = Path(__file__).resolve().parent / "cases"
GOLD = Path(__file__).resolve().parent / "gold"


@pytest.fixture(scope="session")
def shared() -> Path:
    """The ../shared folder (seeds, gold, scorer)."""
    if not (SHARED / "eval" / "score.py").is_file():
        message = f"../shared not found at {SHARED}: reference plans and scorer unavailable"
        if os.environ.get("TASKMAP_REQUIRE_SHARED") == "1":
            pytest.fail(message + " (TASKMAP_REQUIRE_SHARED=1)")
        pytest.skip(message)
    return SHARED


def writer_installed() -> bool:
    """soffice with its Writer component (libreoffice-writer), which .doc files need."""
    return shutil.which("soffice") is not None and any(
        os.path.exists(os.path.join(d, "program", "libswlo.so"))
        for d in ("/usr/lib/libreoffice", "/opt/libreoffice"))


def needs(available: bool, what: str):
    """Skip a test whose real part (LibreOffice, Chromium …) is missing, saying which;
    with TASKMAP_REQUIRE_PARTS=1 (set in .ci/run, which installs them) it runs and fails."""
    required = os.environ.get("TASKMAP_REQUIRE_PARTS") == "1"
    return pytest.mark.skipif(not available and not required, reason=f"{what} is not installed")


needs_writer = needs(writer_installed(), "LibreOffice Writer (soffice)")


def run_taskmap(*args: str, check: bool = False) -> subprocess.CompletedProcess:
    """Run the CLI as a user would, in a subprocess."""
    return subprocess.run([sys.executable, "-m", "taskmap", *args], capture_output=True,
                          text=True, check=check, cwd=ROOT)


def run_scorer(shared: Path, mode: str, gold: Path, docs: Path, *extra: str):
    placeholder = "{file}" if mode == "extract" else "{old} {new}"
    cmd = f"{sys.executable} -m taskmap {mode} {placeholder} --format json"
    return subprocess.run([sys.executable, str(shared / "eval" / "score.py"), mode,
                           "--gold", str(gold), "--docs", str(docs), "--cmd", cmd, *extra],
                          capture_output=True, text=True, cwd=ROOT)


DEMO_PLANS = sorted(p for p in DATA.glob("*.txt") if not p.stem.endswith(("_gb18030", "_utf16")))


def plan_copies(folder: Path, copies: int, broken: str = "5-broken.docx") -> Path:
    """The demo plans in `folder`, each `copies` times under distinct names and with a last
    line of its own (a file of the same text would be the same plan, counted once), plus
    one file, `broken`, that is not a plan anyone can read."""
    folder.mkdir()
    for k in range(copies):
        for plan in DEMO_PLANS:
            text = plan.read_text(encoding="utf-8")
            (folder / f"{k}-{plan.name}").write_text(f"{text}\n（第{k + 1}份）\n",
                                                    encoding="utf-8")
    (folder / broken).write_bytes(b"PK\x03\x04 not a zip at all")
    return folder


# a county plan naming a person (责任领导) on a labelled line of its own
LEADERS_PLAN = """松河县优化营商环境工作方案
一、重点任务
（一）提升政务服务效能
1.深化一件事一次办改革。推出集成办理套餐。
牵头单位:县行政审批服务局
责任单位:县市场监管局
责任领导:张某某
完成时限:2024年6月底前
2.推进数据共享。打通部门系统。（牵头单位:县大数据中心；责任单位:县政务服务中心）
"""
