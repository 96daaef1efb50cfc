"""System-level checks: what no single place's report can show.

- **SAP-7**: every place of the system has a single accountable person: each registered place
  declares exactly one entry in ``accountable_persons``, and every place the system counts
  (``system.places``) is in the register.
- **system-facts**: the facts that belong to the system (everything under ``system``, e.g. the
  digital figures) are the same in every place's declaration; each disagreement is named with
  the places that hold each value. Names are compared as the rules compare them (case,
  repeated spaces and ``&``/``and`` do not matter).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .identity import canonical_json

NOT_DECLARED = "not declared"
_MISSING = object()
_SPACES = re.compile(r"\s+")


def _names(places: list[str]) -> str:
    return ", ".join(places)


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def single_accountable_person(documents: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """SAP-7 over the latest declaration of each place (``{place: document}``).

    Examples:
        >>> one = {"accountable_persons": [{"name": "A"}], "system": {"places": 2}}
        >>> single_accountable_person({"a": one, "b": one})["status"]
        'pass'
        >>> two = {"accountable_persons": [{"name": "A"}, {"name": "B"}], "system": {"places": 2}}
        >>> single_accountable_person({"a": one, "b": two})["explanation"]
        'b names 2 accountable persons (co-chairs or shared accountability are not a single person)'
    """
    problems: list[str] = []
    for place, doc in sorted(documents.items()):
        persons = doc.get("accountable_persons") or []
        if len(persons) == 0:
            problems.append(f"{place} names no accountable person")
        elif len(persons) > 1:
            problems.append(
                f"{place} names {len(persons)} accountable persons (co-chairs or shared "
                "accountability are not a single person)"
            )
    counted = {doc.get("system", {}).get("places") for doc in documents.values()}
    registered = len(documents)
    if len(counted) == 1:
        expected = next(iter(counted))
        if isinstance(expected, int) and expected > registered:
            problems.append(
                f"system.places is {expected} but {_count(registered, 'place')} "
                f"({_names(sorted(documents))}) {'is' if registered == 1 else 'are'} in the "
                f"register, so {expected - registered} cannot be shown to have one"
            )
    elif counted:
        problems.append(
            "the places disagree on how many places the system has (system.places), so the "
            "register cannot tell whether every place is in it"
        )
    if problems:
        return _check("SAP-7", "fail", "; ".join(problems))
    return _check(
        "SAP-7",
        "pass",
        f"each of the {_count(registered, 'place')} of the system ({_names(sorted(documents))}) "
        "names exactly one accountable person",
    )


def _check(check: str, status: str, explanation: str, **extra: Any) -> dict[str, Any]:
    titles = {
        "SAP-7": "Every place of the system has a single accountable person",
        "system-facts": "The system's facts are the same in every place's declaration",
    }
    return {
        "check": check,
        "title": titles[check],
        "status": status,
        "explanation": explanation,
        **extra,
    }


def leaves(value: Any, path: str) -> dict[str, Any]:
    """Every leaf under ``path`` (lists are one leaf).

    Examples:
        >>> leaves({"a": {"b": 1, "c": [1, 2]}}, "system")
        {'system.a.b': 1, 'system.a.c': [1, 2]}
    """
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key in sorted(value):
            out.update(leaves(value[key], f"{path}.{key}"))
        return out
    return {path: value}


def _comparable(value: Any) -> str:
    if isinstance(value, str):
        return _SPACES.sub(" ", value.replace("&", " and ")).strip().casefold()
    return canonical_json(value)


def _shown(value: Any) -> str:
    if value is _MISSING:
        return NOT_DECLARED
    if isinstance(value, str):
        return repr(value)
    return canonical_json(value)


def system_facts_agree(
    documents: Mapping[str, Mapping[str, Any]], registered: int | None = None
) -> dict[str, Any]:
    """The ``system.*`` facts of every place's latest declaration, compared.

    Examples:
        >>> a = {"system": {"name": "X ICS", "digital": {"social_care_providers": {"total": 300}}}}
        >>> b = {"system": {"name": "x  ics", "digital": {"social_care_providers": {"total": 310}}}}
        >>> check = system_facts_agree({"a": a, "b": b})
        >>> check["status"], check["explanation"]
        ('fail', 'system.digital.social_care_providers.total: 300 in a; 310 in b')
    """
    facts = {place: leaves(doc.get("system", {}), "system") for place, doc in documents.items()}
    paths = sorted({p for found in facts.values() for p in found})
    disagreements: list[dict[str, Any]] = []
    for path in paths:
        groups: dict[str, tuple[Any, list[str]]] = {}
        for place in sorted(facts):
            value = facts[place].get(path, _MISSING)
            key = "\x00" if value is _MISSING else _comparable(value)
            groups.setdefault(key, (value, []))[1].append(place)
        if len(groups) > 1:
            disagreements.append(
                {
                    "fact": path,
                    "values": [
                        {"value": None if v is _MISSING else v, "places": ps}
                        for v, ps in groups.values()
                    ],
                    "text": f"{path}: "
                    + "; ".join(f"{_shown(v)} in {_names(ps)}" for v, ps in groups.values()),
                }
            )
    problems = [d["text"] for d in disagreements]
    counted = {doc.get("system", {}).get("places") for doc in documents.values()}
    if registered is not None and len(counted) == 1:
        expected = next(iter(counted))
        if isinstance(expected, int) and registered > expected:
            problems.append(
                f"system.places is {expected} in every declaration but {registered} places "
                "are in the register"
            )
    shaped = [{k: v for k, v in d.items() if k != "text"} for d in disagreements]
    if problems:
        return _check("system-facts", "fail", "; ".join(problems), disagreements=shaped)
    if len(documents) < 2:
        return _check(
            "system-facts",
            "pass",
            f"only {_names(sorted(documents)) or 'no place'} is in the register; nothing to "
            "compare yet",
            disagreements=[],
        )
    return _check(
        "system-facts",
        "pass",
        f"the {len(paths)} system facts are the same in all {len(documents)} places' declarations",
        disagreements=[],
    )
