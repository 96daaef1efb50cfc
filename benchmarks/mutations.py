"""Declarations for the benchmarks and the agreement tests: the examples, and mutations of them.

``mutate(doc, rng)`` returns a changed deep copy of an example (a plain mapping as read from
YAML) that is still a valid ``govrules/place/v1`` declaration. ``rng`` is a ``random.Random``:
seeded for the benchmark's 10,000 declarations, or drawn by Hypothesis (``st.randoms()``) in
the tests, so the same mutations serve both. The mutations aim at what the national rules read:
the governance model, the number of places, council tiers, who agreed what (with names in other
case and spacing), the forms and dates of the accountable persons, dropped optional blocks,
budget lines, and the digital counts around their thresholds.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
import typing
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from govrules.models import AccountablePerson
from govrules.models import Governance
from govrules.models import LocalAuthority

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES_DIR = ROOT / "examples"
NATIONAL_RULES = ROOT / "rules" / "national"

try:  # the C loader where PyYAML was built with libyaml
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

Doc = dict[str, Any]

# The enumerated values, read off the declaration models so they cannot drift from them.
MODELS = list(typing.get_args(Governance.model_fields["model"].annotation))
TIERS = list(typing.get_args(LocalAuthority.model_fields["tier"].annotation))
FORMS = list(typing.get_args(AccountablePerson.model_fields["form"].annotation))
KINDS = ["pooled", "aligned"]
INSTRUMENTS = ["section_75", "better_care_fund", "other", "none"]
# Dates on and around every due date and evaluation date the tests use.
DATES = [
    dt.date(2022, 1, 1),
    dt.date(2022, 6, 30),
    dt.date(2022, 7, 1),
    dt.date(2023, 1, 1),
    dt.date(2023, 3, 31),
    dt.date(2023, 4, 1),
    dt.date(2023, 9, 30),
    dt.date(2023, 10, 1),
    dt.date(2024, 3, 31),
    dt.date(2024, 12, 31),
    dt.date(2025, 6, 30),
    dt.date(2025, 12, 31),
    dt.date(2026, 1, 1),
    dt.date(2026, 12, 31),
]
AS_OF_DATES = [
    dt.date(2023, 1, 1),
    dt.date(2023, 9, 30),
    dt.date(2024, 6, 30),
    dt.date(2025, 6, 30),
    dt.date(2026, 12, 31),
]


def example_paths() -> list[Path]:
    """The place declarations of ``examples/`` (not the provider collaboratives)."""
    return sorted(EXAMPLES_DIR.glob("*.yaml"))


def load_example_docs() -> list[Doc]:
    """The examples as plain mappings (dates as ``datetime.date``)."""
    return [yaml.load(p.read_text(encoding="utf-8"), Loader=_Loader) for p in example_paths()]


def to_json_text(doc: Doc) -> str:
    """A declaration as JSON (dates as ISO text)."""
    return json.dumps(doc, default=lambda v: v.isoformat())


def _variant(name: str, rng: random.Random) -> str:
    """The same name as a person might type it: other case, extra spaces."""
    pick = rng.randrange(4)
    if pick == 0:
        return name.upper()
    if pick == 1:
        return "  " + name.lower() + " "
    if pick == 2:
        return name.replace(" ", "  ")
    return name


def _names(doc: Doc) -> list[str]:
    """Organisation names worth agreeing with: the ICB, every council, and a stranger."""
    return [
        doc["system"]["icb"],
        *(la["name"] for la in doc["local_authorities"]),
        "Some Other Council",
    ]


def _some(pool: list[str], rng: random.Random) -> list[str]:
    return [_variant(n, rng) for n in pool if rng.random() < 0.7]


def _date(rng: random.Random) -> dt.date:
    return rng.choice(DATES)


def _model(doc: Doc, rng: random.Random) -> None:
    doc["governance"]["model"] = rng.choice(MODELS)


def _places(doc: Doc, rng: random.Random) -> None:
    doc["system"]["places"] = rng.choice([1, 1, 2, 3, 6])


def _councils(doc: Doc, rng: random.Random) -> None:
    las = doc["local_authorities"]
    pick = rng.randrange(4)
    if pick == 0 and len(las) > 1:
        las.pop(rng.randrange(len(las)))
    elif pick == 1:
        las.append({"name": "Eastmarch Borough Council", "tier": rng.choice(TIERS)})
    else:
        rng.choice(las)["tier"] = rng.choice(TIERS)


def _persons(doc: Doc, rng: random.Random) -> None:
    persons = doc["accountable_persons"]
    pick = rng.randrange(5)
    if pick == 0:
        persons.clear()
        return
    if pick == 1 and persons:
        persons.append(copy.deepcopy(persons[0]) | {"name": "Jo Second"})
    if pick == 2 and len(persons) > 1:
        del persons[1:]
    if not persons:
        persons.append(
            {"name": "Jo Lead", "role": "Place Director", "form": "dual_role", "agreed_by": []}
        )
    p = rng.choice(persons)
    p["agreed_by"] = _some(_names(doc), rng)
    p["form"] = rng.choice(FORMS)
    choice = rng.randrange(3)
    if choice == 0:
        p.pop("in_post_from", None)
    else:
        p["in_post_from"] = _date(rng)
    remit = rng.choice([True, False, None])
    if remit is None:
        p.pop("remit_covers_shared_outcomes", None)
    else:
        p["remit_covers_shared_outcomes"] = remit


def _shared_plan(doc: Doc, rng: random.Random) -> None:
    if rng.random() < 0.3:
        doc.pop("shared_plan", None)
        return
    plan = doc.setdefault("shared_plan", {"title": "A plan", "published_on": _date(rng)})
    plan["agreed_by"] = _some(_names(doc), rng)
    plan["published_on"] = _date(rng)


def _outcome_names(doc: Doc) -> list[str]:
    so = doc.get("shared_outcomes")
    return [o["name"] for o in so["outcomes"]] if so else []


def _shared_outcomes(doc: Doc, rng: random.Random) -> None:
    pick = rng.randrange(5)
    if pick == 0:
        doc.pop("shared_outcomes", None)
        return
    so = doc.setdefault(
        "shared_outcomes",
        {
            "live_from": _date(rng),
            "outcomes": [
                {"name": "Fewer falls", "priority": "national", "tackles_inequalities": False}
            ],
            "reports": [],
        },
    )
    if pick == 1:
        so["live_from"] = _date(rng)
    elif pick == 2:
        for o in so["outcomes"]:
            o["priority"] = rng.choice(["national", "local"])
        if rng.random() < 0.2:
            so["outcomes"] = []
    elif rng.random() < 0.5:
        so["reports"] = [
            {"period_end": _date(rng), "submitted_on": _date(rng)} for _ in range(rng.randrange(3))
        ]
    else:  # reports as a place files them: some weeks after the period they cover
        ends = [_date(rng) for _ in range(rng.randrange(1, 4))]
        so["reports"] = [
            {"period_end": e, "submitted_on": e + dt.timedelta(days=rng.randrange(0, 60))}
            for e in ends
        ]


def _finance(doc: Doc, rng: random.Random) -> None:
    pick = rng.randrange(6)
    if pick == 0:
        doc.pop("finance", None)
        return
    fin = doc.setdefault("finance", {"years": [], "budget_lines": []})
    if pick == 1:
        if rng.random() < 0.4:
            fin.pop("expansion_plan", None)
        else:
            fin["expansion_plan"] = {
                "published_on": _date(rng),
                "target_year": rng.choice([2024, 2026, 2027]),
            }
        return
    if pick == 2 and fin["budget_lines"]:
        fin["budget_lines"].pop(rng.randrange(len(fin["budget_lines"])))
        return
    if pick == 3 or not fin["budget_lines"]:
        fin["budget_lines"].append(
            {
                "name": "Intermediate care",
                "kind": "pooled",
                "instrument": "section_75",
                "amount": 1000000,
                "contributions_agreed_by": [],
                "underpins_outcomes": [],
            }
        )
    line = rng.choice(fin["budget_lines"])
    line["kind"] = rng.choice(KINDS)
    line["instrument"] = rng.choice(INSTRUMENTS)
    line["contributions_agreed_by"] = _some(_names(doc), rng)
    line["underpins_outcomes"] = _some([*_outcome_names(doc), "An outcome nobody declared"], rng)


def _agreements(doc: Doc, rng: random.Random) -> None:
    key = rng.choice(["risk_management", "disagreement_resolution"])
    if rng.random() < 0.4:
        doc.pop(key, None)
        return
    mechanism = "other"
    block = doc.setdefault(key, {"mechanism": mechanism, "documented_in": "Terms of reference"})
    block["agreed_on"] = _date(rng)


def _workforce(doc: Doc, rng: random.Random) -> None:
    if rng.random() < 0.4:
        doc.pop("workforce", None)
    else:
        doc["workforce"] = {
            "place_workforce_plan": rng.random() < 0.5,
            "co_produced_with_social_care": rng.random() < 0.5,
        }


def _governance(doc: Doc, rng: random.Random) -> None:
    gov = doc["governance"]
    key = rng.choice(["delegated_by_icb", "decision_making", "relationships_documented"])
    if rng.random() < 0.3:
        gov.pop(key, None)
        return
    if key == "delegated_by_icb":
        gov[key] = {"functions": rng.random() < 0.7, "budget": rng.random() < 0.7}
    elif key == "decision_making":
        gov[key] = {
            "documented": rng.random() < 0.7,
            "contentious_issues_process": rng.random() < 0.5,
            "scheme_of_delegation": rng.random() < 0.5,
        }
    else:
        gov[key] = {"system": rng.random() < 0.7, "councils": rng.random() < 0.7}


def _digital(doc: Doc, rng: random.Random) -> None:
    system = doc["system"]
    pick = rng.randrange(6)
    if pick == 0:
        system.pop("digital", None)
        return
    digital = system.setdefault("digital", {})
    if pick == 1:
        total = rng.choice([0, 1, 5, 140])
        connected = rng.choice([total, max(total - 1, 0), 0])
        digital["shared_care_record"] = {
            "operating": rng.random() < 0.8,
            "providers_total": total,
            "providers_connected": connected,
        }
    elif pick == 2:
        total = rng.choice([0, 1, 5, 10, 300])
        share = rng.choice([0.0, 0.79, 0.8, 1.0])
        digital["social_care_providers"] = {
            "total": total,
            "with_digital_record": int(total * share),
        }
    elif pick == 3:
        digital["population_health_platform"] = {
            "live_on": _date(rng),
            "care_coordination": rng.random() < 0.7,
        }
    elif pick == 4:
        digital["digital_investment_plan_on"] = _date(rng)
    else:
        block = rng.choice(
            [
                "shared_care_record",
                "social_care_providers",
                "population_health_platform",
                "digital_investment_plan_on",
            ]
        )
        digital.pop(block, None)


MUTATIONS: list[Callable[[Doc, random.Random], None]] = [
    _model,
    _places,
    _councils,
    _persons,
    _shared_plan,
    _shared_outcomes,
    _finance,
    _agreements,
    _workforce,
    _governance,
    _digital,
]


def mutate(doc: Doc, rng: random.Random, changes: int | None = None) -> Doc:
    """A changed deep copy of ``doc`` (1 to 6 mutations unless ``changes`` is given)."""
    out = copy.deepcopy(doc)
    for _ in range(rng.randint(1, 6) if changes is None else changes):
        rng.choice(MUTATIONS)(out, rng)
    return out


def declarations(n: int, seed: int = 2022) -> Iterator[Doc]:
    """``n`` declarations: the examples in turn, each mutated (the same for the same seed)."""
    rng = random.Random(seed)
    docs = load_example_docs()
    for i in range(n):
        yield mutate(docs[i % len(docs)], rng)
