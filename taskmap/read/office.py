"""Old Word and WPS files (.doc, .wps, .rtf) through LibreOffice, when it is installed."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import LimitExceeded, UnsupportedFormat
from .limits import Limits, variable


def soffice() -> str | None:
    """The LibreOffice command on PATH, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(data: bytes, source: str, limits: Limits | None = None) -> bytes:
    """The .docx bytes LibreOffice makes of an old Word/WPS/RTF file, within
    `max_convert_seconds` (the .docx is then read under the other limits)."""
    limits = limits or Limits.from_env()
    command = soffice()
    if command is None:
        raise UnsupportedFormat(f"{source}: 旧版 Word/WPS 文件;请安装 LibreOffice(soffice)"
                                "以便 taskmap 转换,或在 Word、WPS 中另存为 .docx")
    suffix = Path(source).suffix.lower() if Path(source).suffix else ".doc"
    with tempfile.TemporaryDirectory(prefix="taskmap-") as tmp:
        src = Path(tmp) / f"plan{suffix}"
        src.write_bytes(data)
        profile = Path(tmp) / "profile"
        try:
            subprocess.run([command, f"-env:UserInstallation=file://{profile}", "--headless",
                            "--norestore", "--convert-to", "docx", "--outdir", tmp, str(src)],
                           capture_output=True, timeout=limits.max_convert_seconds, check=False)
        except subprocess.TimeoutExpired:
            raise LimitExceeded(source, "LibreOffice 转换所用秒数",
                                limits.max_convert_seconds,
                                variable("max_convert_seconds")) from None
        out = Path(tmp) / "plan.docx"
        if not out.is_file():
            raise UnsupportedFormat(f"{source}: LibreOffice 无法把它转换为 .docx(是 Word/WPS "
                                    "文档吗?);请在 Word 或 WPS 中另存为 .docx")
        return out.read_bytes()
