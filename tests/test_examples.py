"""The scripts in examples/ run on our demo data and produce what they say."""

from __future__ import annotations

import csv
import subprocess
import sys

from conftest import DATA, ROOT


def test_extract_folder_writes_every_assignment(tmp_path):
    out = tmp_path / "all.csv"
    subprocess.run([sys.executable, str(ROOT / "examples" / "extract_folder.py"), str(DATA),
                    "-o", str(out)], check=True, capture_output=True, text=True)
    with out.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    sources = {r["source"] for r in rows if r["kind"] == "assignment"}
    assert len(sources) == len(list(DATA.glob("*.txt")))
    assert all(r["role"] in ("lead", "responsible") for r in rows if r["kind"] == "assignment")


def test_build_matrix_example(tmp_path):
    out = tmp_path / "m.csv"
    result = subprocess.run([sys.executable, str(ROOT / "examples" / "build_matrix.py"),
                             str(DATA), "--by", "function", "-o", str(out)],
                            capture_output=True, text=True, check=True)
    assert "发展和改革" in out.read_text(encoding="utf-8")
    assert (tmp_path / "m_per_plan.csv").is_file()
    assert "plans" in result.stdout
