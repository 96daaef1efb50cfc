"""Coverage: the excuses of the test files, the totals, and the text and JSON reports."""

from __future__ import annotations

import difflib
from typing import Any

from .errors import Diagnostic
from .errors import make_diagnostic
from .rule_coverage import Coverage
from .rule_coverage import RuleCoverage
from .rule_coverage import RuleKey
from .ruletest import Excuse
from .ruletest import TestFile
from .ruletest import TestFileError


def apply_excuses(cov: Coverage, tests: list[tuple[TestFile, set[RuleKey]]]) -> None:
    """Mark the points the test files declare unreachable (each with the rules it tests).

    Raises:
        TestFileError: an excuse names a rule, status or operand that is not there.
    """
    problems: list[Diagnostic] = []
    for test, keys in tests:
        for ex in test.excuses:
            rc = next((cov.rules[k] for k in keys if k[1] == ex.rule and k in cov.rules), None)
            trouble = _excuse(rc, ex) if rc is not None else (f"no rule {ex.rule} here", None)
            if trouble:
                problems.append(
                    make_diagnostic(
                        test.source, ex.span, "invalid_test_file", trouble[0], trouble[1]
                    )
                )
    if problems:
        raise TestFileError(problems)


def _excuse(rc: RuleCoverage, ex: Excuse) -> tuple[str, str | None] | None:
    """Apply one excuse; a problem (message, hint) when it matches nothing."""
    if ex.status is not None:
        if ex.status not in rc.statuses:
            return (
                f"{rc.rule} cannot be {ex.status} at all, so there is nothing to excuse",
                "statuses counted for it: " + ", ".join(rc.statuses),
            )
        rc.excused[ex.status] = ex.why
        return None
    wanted = " ".join(str(ex.condition).split())
    found = [o for c in rc.conditions for o in c.operands if o.text == wanted]
    if not found:
        texts = [o.text for c in rc.conditions for o in c.operands]
        close = difflib.get_close_matches(wanted, texts, n=1, cutoff=0.4)
        return (
            f"no operand '{wanted}' in the conditions of {rc.rule}",
            f"did you mean '{close[0]}'?" if close else "write the operand as the rule does",
        )
    for o in found:
        for way in (True, False) if ex.way is None else (ex.way,):
            o.excused[way] = ex.why
    return None


def totals(cov: Coverage) -> dict[str, Any]:
    """Points in all, covered, excused, and the percentage of the points that count."""
    total = covered = excused = 0
    for rc in cov.rules.values():
        t, c, e = rc.points()
        total, covered, excused = total + t, covered + c, excused + e
    counted = total - excused
    percent = 100.0 if counted == 0 else round(100.0 * covered / counted, 1)
    return {"points": total, "covered": covered, "excused": excused, "percent": percent}


def _percent(rc: RuleCoverage) -> float:
    t, c, e = rc.points()
    return 100.0 if t == e else 100.0 * c / (t - e)


def _gaps(rc: RuleCoverage) -> list[str]:
    """What a rule's tests have not shown, one line each, with file:line:column."""
    out = []
    for s in rc.statuses:
        if s not in rc.reached and s not in rc.excused:
            out.append(f"{rc.file}:{rc.line}: {rc.rule} never seen {s}")
    for c in rc.conditions:
        for o in c.operands:
            missing = [w for w in (True, False) if w not in o.seen and w not in o.excused]
            if missing:
                ways = " or ".join("true" if w else "false" for w in missing)
                role = "body" if c.kind in ("all", "any") else "operand"
                out.append(
                    f"{rc.file}:{o.line}:{o.column}: {role} '{_short(o.text)}' of this '{c.kind}' "
                    f"(in {c.clause}) never decided it {ways}"
                )
    return out


def _stale(rc: RuleCoverage) -> list[str]:
    """Excuses for points the tests reach after all."""
    out = [f"{rc.rule}: {s} is excused but reached" for s in rc.excused if s in rc.reached]
    for c in rc.conditions:
        for o in c.operands:
            for w in o.excused:
                if w in o.seen:
                    out.append(
                        f"{rc.rule}: '{_short(o.text)}' is excused {str(w).lower()} but reached"
                    )
    return out


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def coverage_text(cov: Coverage) -> str:
    """The coverage report for people: one line per rule, then every gap with its place."""
    rows = sorted(cov.rules.values(), key=lambda r: (r.file, r.line))
    lines = ["", "coverage (statuses reached; each operand of and/or/all/any deciding both ways)"]
    width = max((len(r.rule) for r in rows), default=4)
    lines.append(f"{'rule':<{width}}  {'statuses':>8}  {'conditions':>10}  {'cover':>6}  file")
    for r in rows:
        st = f"{len(r.reached & set(r.statuses))}/{len(r.statuses)}"
        ops = [o for c in r.conditions for o in c.operands]
        cd = f"{sum(len(o.seen) for o in ops)}/{2 * len(ops)}"
        lines.append(
            f"{r.rule:<{width}}  {st:>8}  {cd:>10}  {_percent(r):>5.1f}%  {r.file}:{r.line}"
        )
    gaps = [g for r in rows for g in _gaps(r)]
    if gaps:
        lines.append("")
        lines.append("not covered:")
        lines.extend("  " + g for g in gaps)
    stale = [s for r in rows for s in _stale(r)]
    if stale:
        lines.append("")
        lines.append("excused in a test file but reached by its cases (remove the excuse):")
        lines.extend("  " + s for s in stale)
    t = totals(cov)
    lines.append("")
    lines.append(
        f"TOTAL {len(rows)} rules: {t['covered']} of {t['points']} points covered, "
        f"{t['excused']} excused as unreachable: {t['percent']:.1f}%"
    )
    return "\n".join(lines) + "\n"


def coverage_json(cov: Coverage) -> dict[str, Any]:
    """The coverage report as JSON."""
    rules = []
    for r in sorted(cov.rules.values(), key=lambda r: (r.file, r.line)):
        t, c, e = r.points()
        rules.append(
            {
                "rule": r.rule,
                "file": r.file,
                "line": r.line,
                "statuses": {
                    "counted": list(r.statuses),
                    "reached": [s for s in r.statuses if s in r.reached],
                    "excused": dict(r.excused),
                },
                "conditions": [
                    {
                        "kind": cond.kind,
                        "clause": cond.clause,
                        "text": cond.text,
                        "line": cond.line,
                        "column": cond.column,
                        "operands": [
                            {
                                "text": o.text,
                                "line": o.line,
                                "column": o.column,
                                "decided_true": True in o.seen,
                                "decided_false": False in o.seen,
                                "excused": {str(w).lower(): why for w, why in o.excused.items()},
                            }
                            for o in cond.operands
                        ],
                    }
                    for cond in r.conditions
                ],
                "points": t,
                "covered": c,
                "excused": e,
                "percent": round(_percent(r), 1),
                "not_covered": _gaps(r),
            }
        )
    return {"rules": rules, **totals(cov)}
