"""The few XPath forms of `relevant` and `constraint` that say a `show_if` or a `min`/`max`, read and written.

A relevant is tests joined with `and` / `or` (`and` binds tighter; brackets group), each test one of
`${x} = 'v'`, `${x} != 'v'`, `selected(${x}, 'v')` and `not(selected(${x}, 'v'))`. Anything else is
refused, so a form never means one thing in ODK and another in the chat. Tests of one item that say one
thing are read as one: `${x} = 'a' or ${x} = 'b'` is `{item: x, in: [a, b]}`; `${x} != 'a' and ${x} !=
'b'` is `{item: x, not_in: [a, b]}`. Written back, a condition reads as it was, once in that simplest form.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from pydantic import ValidationError

from bot.checklist.model import AllOf, AnyOf, Checklist, Condition, ItemType, Rule
from bot.checklist.xlsform.columns import Refusal, xlsform_name

_FORMS = "${x} = 'v', ${x} != 'v', selected(${x}, 'v'), not(selected(${x}, 'v')) nối bằng and / or"
_TOKEN = re.compile(
    r"""\s*(?:\$\{\s*(?P<ref>[^}\s]*)\s*\}|'(?P<str>[^']*)'|"(?P<dstr>[^"]*)"|(?P<op>!=|=|\(|\)|,)|(?P<word>[A-Za-z_]+))"""
)
_BOUND = r"\.\s*(>=|<=)\s*(-?\d+(?:\.\d+)?)"
_CONSTRAINT = re.compile(rf"^{_BOUND}(?:\s+and\s+{_BOUND})?$")


@dataclass(frozen=True)
class Clause:
    """One test as written: the XLSForm name inside `${}`, the value, and how it was said."""

    name: str
    value: str
    negated: bool
    selected: bool


class _Unreadable(Exception):
    pass


def parse_relevant(text: str, rule_for: Callable[[Clause], Rule]) -> Condition:
    """`rule_for` turns each test into a rule on an item, refusing a name or value that is not one."""
    try:
        return _Parser(text, rule_for).condition()
    except _Unreadable:
        raise Refusal(f"không đọc được biểu thức «{text}»; chỉ dùng {_FORMS}") from None


def relevant_text(condition: Condition, checklist: Checklist) -> str:
    return _text(condition, checklist, None)


def parse_constraint(text: str) -> tuple[float | None, float | None]:
    """`. >= 0 and . <= 100` -> (0, 100); either half alone is a bound on one side."""
    found = _CONSTRAINT.fullmatch(" ".join(text.split()))
    if found is None:
        raise Refusal(f"không đọc được biểu thức «{text}»; chỉ dùng . >= a, . <= b hoặc . >= a and . <= b")
    said = [(found[1], found[2]), *([(found[3], found[4])] if found[3] else [])]
    bounds = {sign: float(number) for sign, number in said}
    if len(bounds) < len(said):
        raise Refusal(f"biểu thức «{text}» ghi hai lần {found[1]}; ghi . >= a and . <= b")
    return bounds.get(">="), bounds.get("<=")


def constraint_text(low: float | None, high: float | None) -> str:
    bounds = [
        f". >= {number_text(low)}" if low is not None else "",
        f". <= {number_text(high)}" if high is not None else "",
    ]
    return " and ".join(bound for bound in bounds if bound)


def number_text(number: float) -> str:
    """`2` rather than `2.0`, `0.00001` rather than `1e-05`: what a constraint can read back."""
    return str(int(number)) if number.is_integer() else format(Decimal(repr(number)), "f")


class _Parser:
    """or := and ('or' and)* ; and := test ('and' test)* ; test := '(' or ')' | one of the four forms."""

    def __init__(self, text: str, rule_for: Callable[[Clause], Rule]) -> None:
        self._tokens = _tokens(text)
        self._at = 0
        self._rule_for = rule_for

    def condition(self) -> Condition:
        condition = self._or()
        if self._at != len(self._tokens):
            raise _Unreadable
        return condition

    def _or(self) -> Condition:
        parts = [self._and()]
        while self._take("word", "or"):
            parts.append(self._and())
        return _joined(AnyOf, parts)

    def _and(self) -> Condition:
        parts = [self._test()]
        while self._take("word", "and"):
            parts.append(self._test())
        return _joined(AllOf, parts)

    def _test(self) -> Condition:
        if self._take("op", "("):
            inner = self._or()
            self._expect("op", ")")
            return inner
        if self._take("word", "not"):
            self._expect("op", "(")
            self._expect("word", "selected")
            rule = self._selected(negated=True)
            self._expect("op", ")")
            return rule
        if self._take("word", "selected"):
            return self._selected(negated=False)
        name = self._expect("ref")
        if self._take("op", "="):
            negated = False
        else:
            self._expect("op", "!=")
            negated = True
        return self._rule_for(Clause(name, self._expect("str"), negated=negated, selected=False))

    def _selected(self, negated: bool) -> Rule:
        self._expect("op", "(")
        name = self._expect("ref")
        self._expect("op", ",")
        value = self._expect("str")
        self._expect("op", ")")
        return self._rule_for(Clause(name, value, negated=negated, selected=True))

    def _take(self, kind: str, text: str | None = None) -> str | None:
        if self._at < len(self._tokens):
            token_kind, token = self._tokens[self._at]
            if token_kind == kind and (text is None or token == text):
                self._at += 1
                return token
        return None

    def _expect(self, kind: str, text: str | None = None) -> str:
        token = self._take(kind, text)
        if token is None:
            raise _Unreadable
        return token


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    at = 0
    while text[at:].strip():
        found = _TOKEN.match(text, at)
        if found is None or found.lastgroup is None:
            raise _Unreadable
        kind = "str" if found.lastgroup == "dstr" else found.lastgroup
        tokens.append((kind, found[found.lastgroup]))
        at = found.end()
    return tokens


def _joined(kind: type[AllOf] | type[AnyOf], parts: list[Condition]) -> Condition:
    """Parts joined with `and` (AllOf) or `or` (AnyOf), said as simply as they can be: an and inside an
    and is one list, and the tests of one item that `or` (for `in`) or `and` (for `not_in`) join are one
    rule with their values."""
    merges_in = kind is AnyOf
    out: list[Condition] = []
    for part in parts:
        for piece in _members(part) if isinstance(part, kind) else [part]:
            same = next((i for i, done in enumerate(out) if _mergeable(done, piece, merges_in)), None)
            if same is None:
                out.append(piece)
            else:
                out[same] = _merged(out[same], piece)
    if len(out) == 1:
        return out[0]
    try:
        return AnyOf(any=out) if kind is AnyOf else AllOf(all=out)
    except ValidationError:
        raise Refusal(f"nối tối đa 10 phép thử bằng {'or' if kind is AnyOf else 'and'}; tách bớt") from None


def _members(condition: AllOf | AnyOf) -> list[Condition]:
    return condition.any if isinstance(condition, AnyOf) else condition.all


def _mergeable(done: Condition, piece: Condition, merges_in: bool) -> bool:
    return (
        isinstance(done, Rule)
        and isinstance(piece, Rule)
        and done.item == piece.item
        and (done.in_ is not None) == merges_in
        and (piece.in_ is not None) == merges_in
    )


def _merged(rule: Condition, other: Condition) -> Rule:
    assert isinstance(rule, Rule) and isinstance(other, Rule)
    values = [*rule.values, *(value for value in other.values if value not in rule.values)]
    return Rule.model_validate({"item": rule.item, "in" if rule.in_ is not None else "not_in": values})


def _text(condition: Condition, checklist: Checklist, inside: type[AllOf] | type[AnyOf] | None) -> str:
    """`and` binds tighter than `or`: only an `or` inside an `and` needs brackets."""
    if isinstance(condition, AllOf):
        return " and ".join(_text(part, checklist, AllOf) for part in condition.all)
    if isinstance(condition, AnyOf):
        text = " or ".join(_text(part, checklist, AnyOf) for part in condition.any)
        return f"({text})" if inside is AllOf else text
    found = checklist.find(condition.item)
    assert found is not None
    multiple = found[2].type is ItemType.CHOICES
    negated = condition.not_in is not None
    tests = [_test_text(xlsform_name(condition.item), value, negated, multiple) for value in condition.values]
    if negated:
        return " and ".join(tests)
    text = " or ".join(tests)
    return f"({text})" if len(tests) > 1 and inside is AllOf else text


def _test_text(name: str, value: str, negated: bool, multiple: bool) -> str:
    if multiple:
        test = f"selected(${{{name}}}, '{value}')"
        return f"not({test})" if negated else test
    return f"${{{name}}} {'!=' if negated else '='} '{value}'"
