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
