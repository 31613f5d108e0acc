"""Label selector strings as apimachinery reads them (`kubectl get -l`, `kubectl apply
--prune -l`): parse, match, and print in canonical form.

Grammar (k8s.io/apimachinery pkg/labels/selector.go, Parser): requirements separated by
commas; each is `key`, `!key`, `key=value`, `key==value`, `key!=value`, `key in (v1,v2)`,
`key notin (v1,v2)`, `key>N`, `key<N`. Values may be empty (`a=`, `a in ()`). Keys must be
qualified names and values label values; `>`/`<` take one integer. `!=` and `notin` match
objects without the key; `>`/`<` never match a missing or non-integer label.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kplan.k8s.validation import is_label_key, is_valid_label_value

EQUALS = "="
NOT_EQUALS = "!="
IN = "in"
NOT_IN = "notin"
EXISTS = "exists"
DOES_NOT_EXIST = "!"
GREATER = ">"
LESS = "<"

_SPECIAL = "=!(),<>"


class SelectorSyntaxError(ValueError):
    """A selector that does not parse; `position` is the 0-based character offset."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} (at character {position + 1})")
        self.position = position


@dataclass(frozen=True)
class Requirement:
    key: str
    operator: str
    values: tuple[str, ...] = ()

    def matches(self, labels: Mapping[str, object]) -> bool:
        has = self.key in labels
        value = labels.get(self.key)
        if self.operator in (EQUALS, IN):
            return has and value in self.values
        if self.operator in (NOT_EQUALS, NOT_IN):
            return not has or value not in self.values
        if self.operator == EXISTS:
            return has
        if self.operator == DOES_NOT_EXIST:
            return not has
        if not has or not isinstance(value, str):
            return False
        try:
            number = int(value)
        except ValueError:
            return False
        bound = int(self.values[0])
        return number > bound if self.operator == GREATER else number < bound

    def __str__(self) -> str:
        if self.operator == EXISTS:
            return self.key
        if self.operator == DOES_NOT_EXIST:
            return f"!{self.key}"
        if self.operator in (IN, NOT_IN):
            return f"{self.key} {self.operator} ({','.join(self.values)})"
        return f"{self.key}{self.operator}{self.values[0]}"


@dataclass(frozen=True)
class Selector:
    """Requirements ANDed; the empty selector matches everything."""

    requirements: tuple[Requirement, ...] = ()

    def matches(self, labels: Mapping[str, object] | None) -> bool:
        labels = labels or {}
        return all(requirement.matches(labels) for requirement in self.requirements)

    def __str__(self) -> str:
        return ",".join(str(requirement) for requirement in self.requirements)


def parse_selector(text: str) -> Selector:
    """Selector of a `-l` string; SelectorSyntaxError with the position of the problem."""
    tokens = _tokens(text)
    parser = _Parser(tokens, len(text))
    requirements = parser.selector()
    ordered = sorted(requirements, key=lambda r: r.key)  # labels.Parse sorts by key
    return Selector(tuple(ordered))


# -- lexer -----------------------------------------------------------------------------------

_OPERATORS = ("==", "!=", "=", "!", "(", ")", ",", ">", "<")


def _tokens(text: str) -> list[tuple[str, str, int]]:
    """(kind, literal, position); kind is the operator itself, "id" or "end"."""
    tokens: list[tuple[str, str, int]] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char.isspace():
            index += 1
            continue
        if char in _SPECIAL:
            operator = next(op for op in _OPERATORS if text.startswith(op, index))
            tokens.append((operator, operator, index))
            index += len(operator)
            continue
        start = index
        while index < len(text) and not text[index].isspace() and text[index] not in _SPECIAL:
            index += 1
        word = text[start:index]
        tokens.append((word if word in (IN, NOT_IN) else "id", word, start))
    tokens.append(("end", "", len(text)))
    return tokens


# -- parser ----------------------------------------------------------------------------------


class _Parser:
    def __init__(self, tokens: list[tuple[str, str, int]], length: int) -> None:
        self.tokens = tokens
        self.index = 0
        self.length = length

    def peek(self) -> tuple[str, str, int]:
        return self.tokens[self.index]

    def take(self) -> tuple[str, str, int]:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def fail(self, token: tuple[str, str, int], expected: str) -> SelectorSyntaxError:
        return SelectorSyntaxError(f"found '{token[1]}', expected: {expected}", token[2])

    def selector(self) -> list[Requirement]:
        requirements: list[Requirement] = []
        if self.peek()[0] == "end":
            return requirements
        while True:
            requirements.append(self.requirement())
            token = self.take()
            if token[0] == "end":
                return requirements
            if token[0] != ",":
                raise self.fail(token, "',' or end of string")

    def requirement(self) -> Requirement:
        token = self.take()
        negated = token[0] == "!"
        if negated:
            token = self.take()
        if token[0] != "id":
            raise self.fail(token, "identifier")
        key = token[1]
        problem = is_label_key(key)
        if problem:
            raise SelectorSyntaxError(f"invalid label key {key!r}: {problem[0]}", token[2])
        following = self.peek()[0]
        if negated or following in (",", "end"):
            if negated and following not in (",", "end"):
                raise self.fail(self.peek(), "',' or end of string")
            return Requirement(key, DOES_NOT_EXIST if negated else EXISTS)
        operator_token = self.take()
        operator = {"==": EQUALS}.get(operator_token[0], operator_token[0])
        if operator in (IN, NOT_IN):
            return Requirement(key, operator, self.value_set())
        if operator not in (EQUALS, NOT_EQUALS, GREATER, LESS):
            raise self.fail(operator_token, "'=', '==', '!=', 'in', 'notin', '>' or '<'")
        value_token = self.peek()
        value = ""
        if value_token[0] == "id" or value_token[0] in (IN, NOT_IN):
            value = self.take()[1]
        elif value_token[0] not in (",", "end"):
            raise self.fail(value_token, "identifier")
        if operator in (GREATER, LESS):
            try:
                int(value)
            except ValueError:
                raise SelectorSyntaxError(
                    f"for '{operator}', the value must be an integer, got {value!r}",
                    value_token[2],
                ) from None
        else:
            self.check_value(value, value_token[2])
        return Requirement(key, operator, (value,))

    def value_set(self) -> tuple[str, ...]:
        token = self.take()
        if token[0] != "(":
            raise self.fail(token, "'('")
        values: list[str] = []
        while True:
            token = self.take()
            if token[0] == ")" and not values:
                return ()
            if token[0] in ("id", IN, NOT_IN):
                self.check_value(token[1], token[2])
                values.append(token[1])
                token = self.take()
            elif token[0] in (",", ")"):
                values.append("")  # an empty value between commas
            else:
                raise self.fail(token, "identifier, ',' or ')'")
            if token[0] == ")":
                return tuple(sorted(set(values)))
            if token[0] != ",":
                raise self.fail(token, "',' or ')'")

    def check_value(self, value: str, position: int) -> None:
        problems = is_valid_label_value(value)
        if problems:
            raise SelectorSyntaxError(f"invalid label value {value!r}: {problems[0]}", position)
