"""The durable_rules back-end, on the engine's side: plans, input facts, and the worker.

Each rule is lowered (:mod:`govrules.lower`) to four conditions over a typed input fact; the
plan is registered with durable_rules in its worker process (:mod:`.durable_process`), split
over several rulesets when it is large. For every declaration the input facts are computed on
the Python side, durable_rules derives each rule's outcome by forward chaining on outcome
facts, and those outcomes decide the statuses. Where they differ from the Python side's, the
evaluation stops with an :class:`~govrules.errors.EvaluationError` (exit 4): a report whose
verdicts and explanations disagree would mislead.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel

from .. import ir
from ..errors import EvaluationError
from ..interpreter import CompiledRule
from ..interpreter import Compiler
from ..interpreter import Ctx
from ..lower import LoweredRule
from ..lower import lower
from .base import Pack

_KEY = "durable"


def available() -> tuple[bool, str | None]:
    """Whether durable_rules can run here, and why not."""
    try:
        from . import durable
    except Exception as err:  # pragma: no cover - only where the import itself breaks
        return False, str(err)
    return durable.AVAILABLE, durable.UNAVAILABLE_REASON


def warm_up() -> None:
    """Start the worker process early (see :meth:`DurableProcess.warm_up`)."""
    from . import durable_process

    durable_process.shared().warm_up()


class DurableBackend:
    """Outcomes derived by durable_rules, checked against the Python side's."""

    name = "durable"

    def prepare(self, pack: Pack) -> None:
        """Lower the rules, split the plan and register it with the worker (once per pack)."""
        if _KEY in pack.cache:
            return
        from . import durable_process

        closures = Compiler(pack.program)
        plan, lowered = lower(pack.program, closures, pack.rules, pack.declaration_format)
        parts = split_plan(plan)
        durable_process.shared().register([p for p, _ in parts])
        reference = {r.id: CompiledRule(r, closures) for r in pack.rules}
        pack.cache[_KEY] = (parts, lowered, reference)

    def decide(
        self, pack: Pack, declaration: BaseModel, as_of: dt.date, python: dict[str, ir.Outcome]
    ) -> dict[str, ir.Outcome]:
        """durable_rules' outcomes for the declaration, which must equal the Python side's."""
        from . import durable_process

        self.prepare(pack)
        parts, lowered, reference = pack.cache[_KEY]
        facts = input_facts(pack, declaration.model_dump(), as_of, python, lowered, reference)
        batch = [(plan.name, [f for f in facts if f["rule"] in ids]) for plan, ids in parts]
        decided = durable_process.shared().evaluate(batch)
        for rule_id, mine in python.items():
            theirs = decided.get(rule_id)
            if theirs != mine:
                raise EvaluationError(
                    f"the engines disagree on {rule_id}: durable_rules says {theirs}, "
                    f"the Python engine says {mine}; please report this with the declaration"
                )
        return decided


def input_facts(
    pack: Pack,
    doc: dict[str, Any],
    as_of: dt.date,
    outcomes: dict[str, ir.Outcome],
    lowered: dict[str, LoweredRule],
    reference: dict[str, CompiledRule],
) -> list[dict[str, ir.AtomValue]]:
    """Each rule's input fact, its atoms computed by the reference closures."""
    facts = []
    for rule in pack.rules:
        ctx = Ctx(doc, as_of, outcomes)
        ctx.lets = {}
        ctx.let_fns = reference[rule.id].lets
        facts.append(lowered[rule.id].input_fact(ctx))
    return facts


def split_plan(plan: ir.EnginePlan) -> list[tuple[ir.EnginePlan, frozenset[str]]]:
    """One or more durable rulesets for a plan.

    durable_rules fails beyond about 512 rules in one ruleset, so a large plan is split into
    groups of rules that do not read each other's outcomes (forward chaining stays inside a
    group). Groups are connected components of the dependency graph, packed greedily.
    """
    from . import durable

    parent = {r.rule_id: r.rule_id for r in plan.rules}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for r in plan.rules:
        for dep in r.depends_on:
            if dep in parent:
                parent[find(r.rule_id)] = find(dep)
    components: dict[str, list[ir.RulePlan]] = {}
    for r in plan.rules:
        components.setdefault(find(r.rule_id), []).append(r)
    budget = durable.MAX_DURABLE_RULES - 40  # margin for the engine's own bookkeeping rules
    bins: list[list[ir.RulePlan]] = [[]]
    used = 0
    for members in components.values():
        # Each component is translated once to count its durable rules (less the one shared
        # internal rule every translation includes).
        size = durable.count_durable_rules(ir.EnginePlan(plan.name, tuple(members))) - 1
        if bins[-1] and used + size > budget:
            bins.append([])
            used = 0
        bins[-1].extend(members)
        used += size
    order = {r.rule_id: i for i, r in enumerate(plan.rules)}
    parts = []
    for n, members in enumerate(bins):
        members.sort(key=lambda r: order[r.rule_id])
        name = plan.name if len(bins) == 1 else f"{plan.name}_{n}"
        parts.append((ir.EnginePlan(name, tuple(members)), frozenset(r.rule_id for r in members)))
    return parts
