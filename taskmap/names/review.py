"""The review workflow for names: every surface of a plan with how it resolved, and
candidate alias rows for the ones a person should confirm (fuzzy, unresolved)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..models import Plan

REVIEW_FIRST = ("unresolved", "fuzzy")


@dataclass(frozen=True)
class Surface:
    """One distinct surface of a plan and what it resolved to."""

    raw: str
    canonical: str
    display: str
    level: str
    function: str
    tier: str
    score: float
    collective: bool
    count: int
    first_line: int
    source: str


def surfaces(plan: Plan) -> list[Surface]:
    """Distinct surfaces, unresolved and fuzzy first, then by tier and first line."""
    seen: dict[str, Surface] = {}
    for task in plan.tasks:
        for a in task.assignments:
            s = seen.get(a.raw)
            if s is None:
                seen[a.raw] = Surface(a.raw, a.agency, a.display, a.level, a.function, a.tier,
                                      a.score, a.collective, 1, task.line, plan.source)
            else:
                seen[a.raw] = replace(s, count=s.count + 1)
    order = {t: i for i, t in enumerate(REVIEW_FIRST)}
    return sorted(seen.values(), key=lambda s: (order.get(s.tier, len(order)), s.tier,
                                                s.first_line, s.raw))


def suggestion_rows(plans: list[Plan]) -> list[dict[str, str]]:
    """Candidate rows (alias table schema, scope=body) for fuzzy and unresolved surfaces,
    ready for a person to check and add with `--aliases`."""
    rows, seen = [], set()
    for plan in plans:
        for s in surfaces(plan):
            if s.tier not in REVIEW_FIRST or s.raw in seen:
                continue
            seen.add(s.raw)
            rows.append({"alias": s.raw, "canonical": s.canonical, "function": s.function,
                         "scope": "body", "level": s.level if s.level != "其他" else "",
                         "short": s.display if s.tier == "fuzzy" else "", "collective": "",
                         "renamed": "",
                         "note": f"review: {s.tier} {s.score:g}, {s.source} line {s.first_line}"})
    return rows
