"""Label selector strings as apimachinery reads them (`kubectl get -l`, `kubectl apply
--prune -l`): parse, match, and print in canonical form.

Follows k8s.io/apimachinery pkg/labels/selector.go: the lexer (special characters
`= ! ( ) , > <`, whitespace ` \\t\\r\\n`, longest operator wins), the recursive-descent parser
(`in`/`notin` are keywords only where an operator goes), NewRequirement's checks (keys are
qualified names, every value a label value, `in`/`notin` need values, `>`/`<` exactly one
base-10 int64), Requirement.Matches (`!=` and `notin` match objects without the key; `>`/`<`
never match a missing or non-integer label) and Requirement.String (requirements sorted by key,
value sets sorted, `==` kept as written).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kplan.k8s.validation import is_label_key, is_valid_label_value

__all__ = [
    "DOES_NOT_EXIST",
    "DOUBLE_EQUALS",
    "EQUALS",
    "EVERYTHING",
    "EXISTS",
    "GREATER",
    "IN",
    "LESS",
    "NOTHING",
    "NOT_EQUALS",
    "NOT_IN",
    "Requirement",
    "Selector",
    "SelectorError",
    "SelectorSyntaxError",
    "go_parse_int",
    "new_requirement",
    "parse_selector",
    "selector_from_set",
]

EQUALS = "="
DOUBLE_EQUALS = "=="
NOT_EQUALS = "!="
IN = "in"
NOT_IN = "notin"
EXISTS = "exists"
DOES_NOT_EXIST = "!"
GREATER = ">"
LESS = "<"

_SET_OPERATORS = (IN, NOT_IN)
_EXACT_OPERATORS = (EQUALS, DOUBLE_EQUALS, NOT_EQUALS)
_INT_OPERATORS = (GREATER, LESS)
_UNARY_OPERATORS = (EXISTS, DOES_NOT_EXIST)
_ALL_OPERATORS = _SET_OPERATORS + _EXACT_OPERATORS + _INT_OPERATORS + _UNARY_OPERATORS
# selection.Operator spellings, for the "expected:" part of parse errors.
_BINARY_OPERATOR_NAMES = "in, notin, =, ==, !=, gt, lt"

_INT64 = re.compile(r"[+-]?[0-9]+")
_INT64_MIN, _INT64_MAX = -(1 << 63), (1 << 63) - 1


class SelectorError(ValueError):
    """A selector or requirement the API machinery would reject."""


class SelectorSyntaxError(SelectorError):
    """A selector string that does not parse; `position` is the 0-based character offset."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} (at character {position + 1})")
        self.message = message
        self.position = position


def go_parse_int(text: object) -> int | None:
    """strconv.ParseInt(text, 10, 64), or None where Go returns an error.

    Stricter than Python's int(): no surrounding whitespace, no underscores, no non-ASCII
    digits, and the value must fit in an int64.
    """
    if not isinstance(text, str) or not _INT64.fullmatch(text) or not text.isascii():
        return None
    number = int(text)
    return number if _INT64_MIN <= number <= _INT64_MAX else None


@dataclass(frozen=True)
class Requirement:
    """One `key operator values` condition. Build it with new_requirement() for the checks."""

    key: str
    operator: str
    values: tuple[str, ...] = ()

    def matches(self, labels: Mapping[str, object]) -> bool:
        """Requirement.Matches."""
        has = self.key in labels
        value = labels.get(self.key)
        if self.operator in (EQUALS, DOUBLE_EQUALS, IN):
            return has and value in self.values
        if self.operator in (NOT_EQUALS, NOT_IN):
            return not has or value not in self.values
        if self.operator == EXISTS:
            return has
        if self.operator == DOES_NOT_EXIST:
            return not has
        if self.operator in _INT_OPERATORS:
            if not has or len(self.values) != 1:
                return False
            number, bound = go_parse_int(value), go_parse_int(self.values[0])
            if number is None or bound is None:
                return False
            return number > bound if self.operator == GREATER else number < bound
        return False

    def __str__(self) -> str:
        """Requirement.String: one value as is, several sorted and comma-joined."""
        if self.operator == EXISTS:
            return self.key
        if self.operator == DOES_NOT_EXIST:
            return f"!{self.key}"
        values = self.values[0] if len(self.values) == 1 else ",".join(sorted(self.values))
        if self.operator in _SET_OPERATORS:
            return f"{self.key} {self.operator} ({values})"
        return f"{self.key}{self.operator}{values}"


@dataclass(frozen=True)
class Selector:
    """Requirements ANDed; no requirements matches everything (labels.Everything()).

    `nothing` is labels.Nothing(): it matches no labels at all and prints as "" (a nil
    LabelSelector converts to it).
    """

    requirements: tuple[Requirement, ...] = ()
    nothing: bool = False

    def matches(self, labels: Mapping[str, object] | None) -> bool:
        if self.nothing:
            return False
        labels = labels or {}
        return all(requirement.matches(labels) for requirement in self.requirements)

    @property
    def empty(self) -> bool:
        """Selector.Empty(): true for Everything (no requirements), false for Nothing."""
        return not self.nothing and not self.requirements

    def add(self, *requirements: Requirement) -> Selector:
        """Selector.Add: append and sort by key (Go's insertion sort keeps equal keys in order)."""
        if self.nothing:
            return self
        merged = self.requirements + tuple(requirements)
        return Selector(tuple(sorted(merged, key=lambda requirement: requirement.key)))

    def __str__(self) -> str:
        return ",".join(str(requirement) for requirement in self.requirements)


EVERYTHING = Selector()
NOTHING = Selector(nothing=True)


def new_requirement(key: str, operator: str, values: Iterable[str] = ()) -> Requirement:
    """NewRequirement: the key, operator, value count and value checks, all reported together
    (joined with "; ") in a SelectorError."""
    values = tuple(values)
    errors: list[str] = []
    key_problems = is_label_key(key) if isinstance(key, str) else ["must be a string"]
    if key_problems:
        errors.append(f'key: Invalid value: "{key}": {"; ".join(key_problems)}')
    if operator in _SET_OPERATORS:
        if not values:
            errors.append(
                "values: Invalid value: for 'in', 'notin' operators, values set can't be empty"
            )
    elif operator in _EXACT_OPERATORS:
        if len(values) != 1:
            errors.append(
                "values: Invalid value: exact-match compatibility requires one single value"
            )
    elif operator in _UNARY_OPERATORS:
        if values:
            errors.append(
                "values: Invalid value: values set must be empty for exists and does not exist"
            )
    elif operator in _INT_OPERATORS:
        if len(values) != 1:
            errors.append(
                "values: Invalid value: for 'Gt', 'Lt' operators, exactly one value is required"
            )
        for index, value in enumerate(values):
            if go_parse_int(value) is None:
                errors.append(
                    f'values[{index}]: Invalid value: "{value}": '
                    "for 'Gt', 'Lt' operators, the value must be an integer"
                )
    else:
        supported = ", ".join(f'"{name}"' for name in _ALL_OPERATORS)
        errors.append(f'operator: Unsupported value: "{operator}": supported values: {supported}')
    for value in values:
        problems = is_valid_label_value(value) if isinstance(value, str) else ["must be a string"]
        if problems:
            errors.append(f'values[{key}]: Invalid value: "{value}": {"; ".join(problems)}')
    if errors:
        raise SelectorError(errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]")
    return Requirement(key, operator, values)


def selector_from_set(labels: Mapping[str, str] | None) -> Selector:
    """SelectorFromSet: one `=` requirement per entry, sorted by key, not validated; an empty
    or missing map is Everything (a Service's selector map, a pod's nodeSelector)."""
    if not labels:
        return EVERYTHING
    return Selector(tuple(Requirement(key, EQUALS, (labels[key],)) for key in sorted(labels)))


def parse_selector(text: str) -> Selector:
    """labels.Parse; SelectorSyntaxError with the position of the problem."""
    parser = _Parser(_tokens(text))
    requirements = parser.selector()
    ordered = sorted(requirements, key=lambda requirement: requirement.key)
    return Selector(tuple(ordered))


# -- lexer -----------------------------------------------------------------------------------

_SPECIAL = frozenset("=!(),<>")
_WHITESPACE = frozenset(" \t\r\n")
_SYMBOLS = ("==", "!=", "=", "!", "(", ")", ",", ">", "<")
_KEYWORDS = (IN, NOT_IN)
_ID = "id"
_END = "end"


def _tokens(text: str) -> list[tuple[str, str, int]]:
    """(kind, literal, position): kind is the symbol itself, "in", "notin", "id" or "end"."""
    tokens: list[tuple[str, str, int]] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char in _WHITESPACE:
            index += 1
            continue
        if char in _SPECIAL:
            symbol = next(op for op in _SYMBOLS if text.startswith(op, index))
            tokens.append((symbol, symbol, index))
            index += len(symbol)
            continue
        start = index
        while index < len(text) and text[index] not in _WHITESPACE and text[index] not in _SPECIAL:
            index += 1
        word = text[start:index]
        tokens.append((word if word in _KEYWORDS else _ID, word, start))
    tokens.append((_END, "", len(text)))
    return tokens


# -- parser ----------------------------------------------------------------------------------


class _Parser:
    """Parser.parse and friends. In the "values" context the keywords are identifiers."""

    def __init__(self, tokens: list[tuple[str, str, int]]) -> None:
        self.tokens = tokens
        self.index = 0

    def lookahead(self, values: bool = True) -> tuple[str, str, int]:
        kind, literal, position = self.tokens[self.index]
        if values and kind in _KEYWORDS:
            kind = _ID
        return kind, literal, position

    def consume(self, values: bool = True) -> tuple[str, str, int]:
        token = self.lookahead(values)
        self.index += 1
        return token

    @staticmethod
    def fail(token: tuple[str, str, int], expected: str, wrap: bool = True) -> SelectorSyntaxError:
        message = f"found '{token[1]}', expected: {expected}"
        if wrap:
            message = "unable to parse requirement: " + message
        return SelectorSyntaxError(message, token[2])

    def selector(self) -> list[Requirement]:
        requirements: list[Requirement] = []
        while True:
            token = self.lookahead()
            if token[0] == _END:
                return requirements
            if token[0] not in (_ID, "!"):
                raise self.fail(token, "!, identifier, or 'end of string'", wrap=False)
            requirements.append(self.requirement())
            token = self.consume()
            if token[0] == _END:
                return requirements
            if token[0] != ",":
                raise self.fail(token, "',' or 'end of string'", wrap=False)
            following = self.lookahead()
            if following[0] not in (_ID, "!"):
                raise self.fail(following, "identifier after ','", wrap=False)

    def requirement(self) -> Requirement:
        start = self.lookahead()[2]
        token = self.consume()
        operator = ""
        if token[0] == "!":
            operator = DOES_NOT_EXIST
            token = self.consume()
        if token[0] != _ID:
            raise self.fail(token, "identifier")
        key = token[1]
        problems = is_label_key(key)
        if problems:
            raise SelectorSyntaxError(
                f'unable to parse requirement: Invalid value: "{key}": {"; ".join(problems)}',
                token[2],
            )
        if self.lookahead()[0] in (_END, ",") and operator != DOES_NOT_EXIST:
            operator = EXISTS
        if operator in _UNARY_OPERATORS:
            return self.build(key, operator, [], start)
        operator_token = self.consume(values=False)
        operator = {
            IN: IN,
            NOT_IN: NOT_IN,
            "=": EQUALS,
            "==": DOUBLE_EQUALS,
            "!=": NOT_EQUALS,
            ">": GREATER,
            "<": LESS,
        }.get(operator_token[0], "")
        if not operator:
            raise self.fail(operator_token, _BINARY_OPERATOR_NAMES)
        values = self.value_set() if operator in _SET_OPERATORS else self.exact_value()
        return self.build(key, operator, values, start)

    def build(
        self, key: str, operator: str, values: list[tuple[str, int]], start: int
    ) -> Requirement:
        """NewRequirement with the set's values sorted; errors point at the bad value."""
        positions = {value: position for value, position in values}
        for value, position in sorted(positions.items()):
            problems = is_valid_label_value(value)
            if operator in _INT_OPERATORS and go_parse_int(value) is None:
                problems = ["for 'Gt', 'Lt' operators, the value must be an integer", *problems]
            if problems:
                raise SelectorSyntaxError(
                    f'unable to parse requirement: values[{key}]: Invalid value: "{value}": '
                    + "; ".join(problems),
                    position,
                )
        try:
            return new_requirement(key, operator, sorted(positions))
        except SelectorError as error:
            raise SelectorSyntaxError(f"unable to parse requirement: {error}", start) from None

    def value_set(self) -> list[tuple[str, int]]:
        """parseValues: `(` identifiers `)`; `()` is the set {""}."""
        token = self.consume()
        if token[0] != "(":
            raise self.fail(token, "'('")
        token = self.lookahead()
        if token[0] == ")":
            self.consume()
            return [("", token[2])]
        if token[0] not in (_ID, ","):
            raise self.fail(token, "',', ')' or identifier")
        values = self.identifiers()
        closing = self.consume()
        if closing[0] != ")":
            raise self.fail(closing, "')'")
        return values

    def identifiers(self) -> list[tuple[str, int]]:
        """parseIdentifiersList: empty values at `(,`, `,,` and `,)`."""
        values: list[tuple[str, int]] = []
        while True:
            token = self.consume()
            if token[0] == _ID:
                values.append((token[1], token[2]))
                following = self.lookahead()
                if following[0] == ",":
                    continue
                if following[0] == ")":
                    return values
                raise self.fail(following, "',' or ')'")
            if token[0] == ",":
                if not values:
                    values.append(("", token[2]))
                following = self.lookahead()
                if following[0] == ")":
                    values.append(("", token[2]))
                    return values
                if following[0] == ",":
                    values.append(("", token[2]))
                continue
            raise self.fail(token, "',', or identifier")

    def exact_value(self) -> list[tuple[str, int]]:
        """parseExactValue: one identifier, or the empty value before `,` or the end."""
        token = self.lookahead()
        if token[0] in (_END, ","):
            return [("", token[2])]
        token = self.consume()
        if token[0] == _ID:
            return [(token[1], token[2])]
        raise self.fail(token, "identifier")
