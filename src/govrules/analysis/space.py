"""The symbolic declaration: every declaration of a format, up to a small size, as variables.

Fields become solver variables when a rule first reads them, with what the declaration models
say about them (:func:`govrules.types.model_fields` for kinds, enums and optionality; the
pydantic field metadata for whole numbers, bounds and patterns; a table for the few checks the
models make across fields). A list has at most :data:`LIST_BOUND` items. Dates lie in
:data:`DATE_RANGE` and the evaluation date in :data:`AS_OF_RANGE`, so counter-examples read
like real places.

The same space turns a solver model back into a declaration (:meth:`Space.decode`) and a known
declaration into constraints (:meth:`Space.bind`), which is how the tests hold the translation
to the interpreter.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import annotated_types
import z3
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .. import types as T
from ..models import FINANCIAL_YEAR_PATTERN
from .calendar import Decomposition
from .calendar import Parts
from .calendar import ordinal
from .values import SV
from .values import TRUE
from .values import ListV
from .values import ObjV
from .values import Texts
from .values import Val

#: The most items a declared list has in the analysis. Three items are enough to tell "all"
#: from "any" from "exactly one", and keep the solver quick. A list that is not inside another
#: list may have as many items as the longest list the rules write (five, for the typical
#: partners of a place), so that a rule asking for all of them can pass.
LIST_BOUND = 3
#: The dates a declared date may take in the analysis.
DATE_RANGE = (dt.date(1900, 1, 1), dt.date(2199, 12, 31))
#: The evaluation dates the analysis considers.
AS_OF_RANGE = (dt.date(2000, 1, 1), dt.date(2099, 12, 31))

_INDEX = re.compile(r"\[\d+\]")  #: The evaluation date of an example that holds on any date.
DEFAULT_AS_OF = dt.date(2030, 4, 1)

SLUG = "^[a-z0-9][a-z0-9-]*$"
YEAR_LABEL = FINANCIAL_YEAR_PATTERN  # 1900/01 to 2199/00, the second part the next year


@dataclass(frozen=True)
class Facts:
    """What the models say of a scalar beyond its kind."""

    whole: bool = False
    lower: float | None = None
    upper: float | None = None
    pattern: str | None = None
    min_items: int = 0


def _unwrap(annotation: Any, meta: list[Any]) -> Any:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        inner, *extra = typing.get_args(annotation)
        for m in extra:
            meta.extend(m.metadata if isinstance(m, FieldInfo) else [m])
        return _unwrap(inner, meta)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return _unwrap(args[0], meta)
    return annotation


def facts_of(annotation: Any, metadata: list[Any]) -> tuple[Facts, Any]:
    """The facts of a field (from its annotation and metadata) and its unwrapped annotation."""
    meta = list(metadata)
    base = _unwrap(annotation, meta)
    whole = base is int
    lower = upper = None
    pattern = None
    min_items = 0
    for m in meta:
        if isinstance(m, annotated_types.Ge | annotated_types.Gt):
            lower = float(m.ge if isinstance(m, annotated_types.Ge) else m.gt)  # type: ignore[arg-type]
        elif isinstance(m, annotated_types.Le | annotated_types.Lt):
            upper = float(m.le if isinstance(m, annotated_types.Le) else m.lt)  # type: ignore[arg-type]
        elif isinstance(m, annotated_types.MinLen):
            min_items = m.min_length
        elif isinstance(getattr(m, "pattern", None), str):
            pattern = m.pattern
    return Facts(whole, lower, upper, pattern, min_items), base


def _item_annotation(base: Any) -> Any:
    args = typing.get_args(base)
    return args[0] if args else Any


#: Checks the models make across fields, which a field's own type does not say:
#: (model, field) -> the sibling it is compared with ("<=") or the kind of check.
CROSS_FIELD: dict[tuple[str, str], str] = {
    ("SharedCareRecord", "providers_connected"): "<= providers_total",
    ("SocialCareProviders", "with_digital_record"): "<= total",
    ("DigitalMaturity", "organisations_at_base_level"): "<= organisations_total",
    ("FinanceYear", "year"): "year label",
    ("FinanceYear", "starts_on"): "1 April of year",
    ("SystemFinancialPosition", "year"): "year label",
    # Names must differ ignoring case and spaces, but "&" and "and" count as different there,
    # while the rule language reads them as one text: the analysis cannot say "different" in
    # the model's sense, and saying it in the language's would leave out valid declarations.
    ("ProviderCollaborativeDeclaration", "members"): "not expressed",
    ("ProviderCollaborativeDeclaration", "places_covered"): "not expressed",
    ("ProviderCollaborativeDeclaration", "system_trusts"): "not expressed",
}


class ObjNode:
    """A group of fields at one path; its fields are created when first read."""

    def __init__(
        self, space: Space, path: str, model: type[BaseModel], guard: z3.BoolRef = TRUE
    ) -> None:
        self.space = space
        self.path = path
        self.model = model
        #: whether this group is in the declaration at all
        self.guard = guard
        self.fields: dict[str, SV] = {}

    def sub(self, name: str) -> str:
        """The path of a field of this group."""
        return f"{self.path}.{name}" if self.path else name

    def get(self, name: str) -> SV:
        """A field, ``defined`` when it is declared (given that this group is)."""
        if name not in self.fields:
            self.fields[name] = self._make(name)
            self._cross_field(name)
        return self.fields[name]

    def _make(self, name: str) -> SV:
        t = T.model_fields(self.model)[name]
        info = self.model.model_fields[name]
        path = self.sub(name)
        present: z3.BoolRef = z3.Bool(f"has {path}") if t.optional else TRUE
        facts, base = facts_of(info.annotation, info.metadata)
        guard = z3.And(self.guard, present)
        if t.kind == "list":
            return self.space.make_list(path, t, present, facts, _item_annotation(base), guard)
        if t.kind == "object" and t.model is not None:
            return ObjV(present, ObjNode(self.space, path, t.model, guard))
        return self.space.make_scalar(path, t, present, facts, guard)

    def _cross_field(self, name: str) -> None:
        check = CROSS_FIELD.get((self.model.__name__, name))
        if check is None:
            return
        space, value = self.space, self.fields[name]
        if check.startswith("<= "):
            other = self.get(check[3:])
            assert isinstance(value, Val) and isinstance(other, Val)
            space.constraints.append(
                z3.Implies(z3.And(value.defined, other.defined), value.value <= other.value)
            )
        elif check == "1 April of year":
            year = self.get("year")
            assert isinstance(value, Val) and isinstance(year, Val)
            assert year.start is not None
            april = ordinal(year.start, z3.IntVal(4), z3.IntVal(1))
            space.constraints.append(z3.Implies(value.defined, value.value == april))


class Space:
    """The declarations of one format, symbolically, and the evaluation date."""

    def __init__(self, model: type[BaseModel], texts: Texts, bound: int = LIST_BOUND) -> None:
        self.model = model
        self.texts = texts
        self.bound = bound
        self.constraints: list[z3.BoolRef] = []
        self.root = ObjNode(self, "", model)
        day = z3.Int("as_of")
        self.as_of = Val("date", TRUE, day)
        lo, hi = AS_OF_RANGE
        self.constraints += [day >= lo.toordinal(), day <= hi.toordinal()]
        self._parts: dict[int, Parts] = {}
        self._keep_alive: list[z3.ArithRef] = []  # expression ids stay theirs
        #: constraints that only define new variables: (their names, the constraints)
        self.definitions: list[tuple[frozenset[str], list[z3.BoolRef]]] = []
        #: enumerated fields by path ("[*]" for any item): their values, and each variable
        #: of the field with the condition that it is in the declaration
        self.enums: dict[str, tuple[tuple[str, ...], list[tuple[z3.ExprRef, z3.BoolRef]]]] = {}

    def case(self, group: str, choice: str) -> z3.BoolRef:
        """The declarations in which every value of an enumerated field is ``choice``."""
        _, places = self.enums[group]
        want = self.texts.literal(choice).value
        return z3.And(
            z3.Or(*[g for _, g in places]), *[z3.Implies(g, v == want) for v, g in places]
        )

    # ------------------------------------------------------------ variables
    def make_scalar(
        self, path: str, t: T.Type, present: z3.BoolRef, facts: Facts, guard: z3.BoolRef
    ) -> Val:
        """A declared number, date, condition or text, with the models' facts about it."""
        c = self.constraints
        if t.kind == "number":
            if facts.whole:
                iv = z3.Int(path)
                value: Any = z3.ToReal(iv)
            else:
                value = z3.Real(path)
            if facts.lower is not None:
                c.append(value >= facts.lower)
            if facts.upper is not None:
                c.append(value <= facts.upper)
            return Val("number", present, value)
        if t.kind == "date":
            day = z3.Int(path)
            lo, hi = DATE_RANGE
            c += [day >= lo.toordinal(), day <= hi.toordinal()]
            return Val("date", present, day)
        if t.kind == "bool":
            return Val("bool", present, z3.Bool(path))
        if t.kind == "string":
            text = self.texts.variable(path)
            if t.choices:
                c.append(z3.Or(*[text == self.texts.literal(v).value for v in t.choices]))
                group = _INDEX.sub("[*]", path)
                choices, places = self.enums.setdefault(group, (t.choices, []))
                places.append((text, guard))
            if facts.pattern == YEAR_LABEL:
                start = z3.Int(f"start of {path}")
                c += [start >= 1900, start <= 2199, text == self.texts.label_of(start)]
                return Val("text", present, text, start=start)
            return Val("text", present, text)
        raise NotImplementedError(f"a field of kind {t.kind} ({path})")

    def make_list(
        self,
        path: str,
        t: T.Type,
        present: z3.BoolRef,
        facts: Facts,
        item_annotation: Any,
        guard: z3.BoolRef,
    ) -> ListV:
        """A declared list: up to ``bound`` items, members first."""
        item = t.item or T.ANY
        slots: list[tuple[z3.BoolRef, SV]] = []
        item_facts, _ = facts_of(item_annotation, [])
        for i in range(self.bound if "[" not in path else LIST_BOUND):
            member = z3.Bool(f"{path}[{i}]?")
            if slots:
                self.constraints.append(z3.Implies(member, slots[-1][0]))
            if i < facts.min_items:
                self.constraints.append(z3.Implies(present, member))
            at = f"{path}[{i}]"
            value: SV
            there = z3.And(guard, member)
            if item.kind == "object" and item.model is not None:
                value = ObjV(TRUE, ObjNode(self, at, item.model, there))
            else:
                value = self.make_scalar(at, item, TRUE, item_facts, there)
            slots.append((member, value))
        return ListV(present, tuple(slots), ordered=True)

    def remember(self, day: z3.ArithRef, parts: Parts) -> None:
        """The parts of a date computed from others (a month shift knows them already)."""
        self._parts[day.get_id()] = parts
        self._keep_alive.append(day)

    def decompose(self, day: z3.ArithRef) -> Parts:
        """Year, month and day of a symbolic date (one decomposition per date expression).

        The constraints that tie them to the date are kept apart, in :attr:`definitions`:
        they hold of every date, so a question that does not use the parts needs none of them.
        """
        key = day.get_id()
        if key not in self._parts:
            parts = Decomposition(day)
            defined = frozenset(str(v) for v in (parts.year, parts.month, parts.day))
            self.definitions.append((defined, parts.constraints))
            self.remember(day, parts)
        return self._parts[key]

    # ------------------------------------------------------------ known declarations
    def bind(self, doc: dict[str, Any], as_of: dt.date, extra: dict[str, int]) -> list[z3.BoolRef]:
        """Constraints fixing every variable created so far to a known declaration's value.

        Raises:
            ValueError: a list of the declaration is longer than the bound.
        """
        out: list[z3.BoolRef] = [self.as_of.value == as_of.toordinal()]
        self._bind_obj(self.root, doc, out, extra)
        return out

    def _bind_obj(
        self, node: ObjNode, data: dict[str, Any], out: list[z3.BoolRef], extra: dict[str, Any]
    ) -> None:
        for name, rel in list(node.fields.items()):
            self._bind(rel, data.get(name), out, extra)

    def _bind(self, rel: SV, v: Any, out: list[z3.BoolRef], extra: dict[str, Any]) -> None:
        if v is None:
            if not z3.is_true(rel.defined):
                out.append(z3.Not(rel.defined))
            return
        if not z3.is_true(rel.defined):
            out.append(rel.defined)
        if isinstance(rel, ObjV):
            self._bind_obj(rel.node, v, out, extra)
        elif isinstance(rel, ListV):
            if len(v) > len(rel.slots):
                raise ValueError(f"a list of {len(v)} items is longer than the bound")
            for i, (member, item) in enumerate(rel.slots):
                out.append(member if i < len(v) else z3.Not(member))
                if i < len(v):
                    self._bind(item, v[i], out, extra)
        else:
            out.append(rel.value == self._concrete(rel, v, extra))

    def _concrete(self, rel: Val, v: Any, extra: dict[str, Any]) -> Any:
        if rel.kind == "text":
            return self.texts.bind(v, extra)
        if rel.kind == "date":
            return z3.IntVal(v.toordinal())
        if rel.kind == "bool":
            return z3.BoolVal(v)
        return z3.RealVal(str(Fraction(repr(v)) if isinstance(v, float) else v))

    # ------------------------------------------------------------ counter-examples
    def decode(
        self, model: z3.ModelRef, keep: frozenset[str] | None = None
    ) -> tuple[dict[str, Any], dt.date]:
        """A whole, valid declaration from a solver model, and its evaluation date.

        Only variables named in ``keep`` (all, when it is ``None``) are read from the model:
        a model of part of the constraints says nothing valid about the others. Fields not
        read get plain values that satisfy the models.
        """
        self._keep = keep
        self._model = model
        self._fresh: dict[str, str] = {}
        doc = self._decode_obj(self.root, self.model, "")
        if not self._known(self.as_of.value):
            return doc, DEFAULT_AS_OF
        as_of = model.eval(self.as_of.value, model_completion=True)
        return doc, dt.date.fromordinal(as_of.as_long())

    def _known(self, e: z3.ExprRef) -> bool:
        if z3.is_true(e):
            return True
        return bool(z3.is_const(e) and (self._keep is None or e.decl().name() in self._keep))

    def _truth(self, e: z3.ExprRef) -> bool:
        return bool(z3.is_true(self._model.eval(e, model_completion=True)))

    def _decode_obj(self, node: ObjNode | None, cls: type[BaseModel], path: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, t in T.model_fields(cls).items():
            sub = f"{path}.{name}" if path else name
            rel = node.fields.get(name) if node is not None else None
            info = cls.model_fields[name]
            if rel is None or not self._known(rel.defined):
                if not t.optional:
                    out[name] = self._value(rel, sub, t, info.annotation, info.metadata)
                continue
            if self._truth(rel.defined):
                out[name] = self._value(rel, sub, t, info.annotation, info.metadata)
        return out

    def _value(self, rel: SV | None, path: str, t: T.Type, annotation: Any, meta: list[Any]) -> Any:
        if isinstance(rel, ObjV):
            return self._decode_obj(rel.node, rel.node.model, path)
        if isinstance(rel, ListV) and self._known(rel.slots[0][0]):
            facts, base = facts_of(annotation, meta)
            item_t = t.item or T.ANY
            return [
                self._value(item, f"{path}[{i}]", item_t, _item_annotation(base), [])
                for i, (member, item) in enumerate(rel.slots)
                if self._truth(member)
            ]
        if isinstance(rel, Val) and self._known(_variable(rel)):
            return self._scalar(rel)
        return self._filler(path, t, annotation, meta)

    def _scalar(self, rel: Val) -> Any:
        model = self._model
        value = model.eval(rel.value, model_completion=True)
        if rel.kind == "text":
            return self.texts.show(model, rel.value, self._fresh)
        if rel.kind == "date":
            return dt.date.fromordinal(value.as_long())
        if rel.kind == "bool":
            return z3.is_true(value)
        q = value.as_fraction()
        return int(q) if q.denominator == 1 else float(q)

    def _filler(self, path: str, t: T.Type, annotation: Any, metadata: list[Any]) -> Any:
        facts, base = facts_of(annotation, metadata)
        if t.kind == "object" and t.model is not None:
            return self._decode_obj(None, t.model, path)
        if t.kind == "list":
            item = t.item or T.ANY
            item_ann = _item_annotation(base)
            return [
                self._filler(f"{path}[{i}]", item, item_ann, []) for i in range(facts.min_items)
            ]
        if t.kind == "string":
            if t.choices:
                return t.choices[0]
            if facts.pattern == SLUG:
                return "example"
            if facts.pattern == YEAR_LABEL:
                return "2023/24"
            return f"Example {path}"
        if t.kind == "number":
            low = facts.lower if facts.lower is not None else 0
            return int(low) if facts.whole or low == int(low) else low
        if t.kind == "date":
            return dt.date(2023, 4, 1)
        if t.kind == "bool":
            return False
        raise NotImplementedError(f"no filler for {path}")  # pragma: no cover


def _variable(v: Val) -> z3.ExprRef:
    """The solver variable behind a declared scalar (numbers may be whole-number variables)."""
    e = v.value
    while not z3.is_const(e) and e.num_args() == 1:
        e = e.arg(0)
    return e
