"""Word files for people: the 任务分解表 as a 公文 attachment, the diff as a 修改对照表."""

from __future__ import annotations

from .diff import write_changes_docx
from .tasks import summary_sentence, write_tasks_docx

__all__ = ["summary_sentence", "write_changes_docx", "write_tasks_docx"]
