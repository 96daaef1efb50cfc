"""Identifiers and content: system slugs, the content hash of a declaration, tier counts, months.

These are pure functions; the register's tables and service build on them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable
from collections.abc import Mapping
from typing import Any
from typing import Literal
from typing import get_args

STATUSES = ("pass", "fail", "not_yet_due", "not_applicable")
SEVERITIES = ("must", "should")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")

Role = Literal["reader", "assessor", "admin"]
ROLES: tuple[Role, ...] = get_args(Role)
#: What each role may do includes what the roles before it may do.
RANK = {role: i for i, role in enumerate(ROLES)}


def slug(name: str) -> str:
    """The identifier of a system: its name in lower case, each run of other characters a ``-``.

    ``&`` reads as ``and`` first, as names do everywhere in govrules, so "Northshire & Coast
    ICS" and "Northshire and Coast ICS" are one system.

    Examples:
        >>> slug("Northshire and Coast ICS")
        'northshire-and-coast-ics'
        >>> slug("  NHS (North) & Coast -- ICS ")
        'nhs-north-and-coast-ics'
    """
    return _NOT_SLUG.sub("-", name.replace("&", " and ").lower()).strip("-")


def canonical_json(value: Any) -> str:
    """One text for one content: sorted keys, no spaces, UTF-8 kept, no NaN.

    Examples:
        >>> canonical_json({"b": [1, 2.5], "a": "é"})
        '{"a":"é","b":[1,2.5]}'
    """
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def content_hash(document: Any) -> str:
    """The SHA-256 (hex) of a declaration's canonical JSON: formatting, comments and key order
    do not change it, any value does.

    Examples:
        >>> content_hash({"a": 1, "b": 2}) == content_hash({"b": 2, "a": 1})
        True
        >>> content_hash({"a": 1}) == content_hash({"a": 1.5})
        False
    """
    return hashlib.sha256(canonical_json(document).encode("utf-8")).hexdigest()


def by_severity(findings: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, int]]:
    """Counts per status for each tier, every tier and status present.

    Examples:
        >>> by_severity([{"severity": "must", "status": "fail"}])["must"]
        {'pass': 0, 'fail': 1, 'not_yet_due': 0, 'not_applicable': 0}
    """
    counts = {tier: dict.fromkeys(STATUSES, 0) for tier in SEVERITIES}
    for finding in findings:
        tier = counts.setdefault(str(finding.get("severity")), dict.fromkeys(STATUSES, 0))
        status = str(finding.get("status"))
        tier[status] = tier.get(status, 0) + 1
    return counts


def report_by_severity(report: Mapping[str, Any]) -> dict[str, dict[str, int]]:
    """The report's own ``by_severity`` where it has one, else counted from its findings."""
    given = report.get("by_severity")
    if isinstance(given, dict):
        return {str(k): {str(s): int(n) for s, n in v.items()} for k, v in given.items()}
    return by_severity(report.get("findings", ()))


def statuses(report: Mapping[str, Any]) -> dict[str, str]:
    """``{rule: status}`` of a report's findings."""
    return {str(f["rule"]): str(f["status"]) for f in report.get("findings", ())}


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months; a day past the end of the new month becomes its last day.

    Examples:
        >>> add_months(dt.date(2024, 1, 31), 1)
        datetime.date(2024, 2, 29)
        >>> add_months(dt.date(2023, 11, 15), 14)
        datetime.date(2025, 1, 15)
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))
