"""Parse one document's text with ruamel.yaml's C parser and build its value.

Errors come back as DecodeError with positions relative to the document; the caller adds the
document's first line. YAML library errors are reworded for people (ruamel never says "tab").
"""

from __future__ import annotations

from typing import Any

from kplan.load.construct import (
    COLLECTION_TAG,
    MAX_DEPTH,
    PLAIN_TAG,
    QUOTED_TAG,
    Builder,
    DecodeError,
)
from kplan.resource import Position

try:  # ruamel.yaml 0.19 installs its C extension only when asked: see pyproject.toml.
    from ruamel.yaml.cyaml import CParser as _CParser
except ImportError:  # pragma: no cover - exercised only on a broken install
    _CParser = None

from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import ScalarNode

MISSING_C_PARSER = (
    "kplan needs ruamel.yaml's C parser, which ruamel.yaml 0.19 does not install by itself "
    "(without it parsing is about 20x slower): pip install ruamel.yaml.clib"
)


class CParserMissing(RuntimeError):
    pass


if _CParser is not None:

    class _NodeParser(_CParser):  # type: ignore[misc, valid-type]
        """The C parser with a resolver that only says "plain" or "quoted": kplan resolves
        plain scalars itself with Kubernetes' rules (kplan.load.scalars)."""

        def descend_resolver(self, *_: Any) -> None:
            return None

        def ascend_resolver(self, *_: Any) -> None:
            return None

        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            # Shared Tag objects: ruamel wraps plain strings in a new Tag per node, and
            # reading node.tag back converts it again; identity checks avoid both.
            if kind is ScalarNode:
                return PLAIN_TAG if implicit[0] else QUOTED_TAG
            return COLLECTION_TAG


def parse_document(
    text: str, line_offset: int, positions: bool = True
) -> tuple[Any, dict[str, Position]] | None:
    """(value, positions) of the single document in `text`, or None if it has no content.

    `line_offset` is the number of file lines before the document; positions are file lines.
    With `positions=False` the table holds the root's position alone (kplan.load.construct).
    """
    if _CParser is None:
        raise CParserMissing(MISSING_C_PARSER)
    _check_depth(text)
    parser = _NodeParser(text)
    try:
        node = parser.get_single_node()
    except MarkedYAMLError as error:
        raise _syntax_error(error, text) from None
    except YAMLError as error:
        raise _reader_error(error, text) from None
    finally:
        parser.dispose() if hasattr(parser, "dispose") else None
    if node is None:
        return None
    builder = Builder(line_offset, track=positions)
    try:
        value = builder.build(node)
    except RecursionError:
        raise DecodeError("merge keys ('<<') nested too deeply", None, None) from None
    return value, builder.positions


def _check_depth(text: str) -> None:
    """Refuse nesting deeper than Kubernetes accepts before the C composer recurses into it.

    The composer recurses in C and crashes the process somewhere past 30,000 levels. Cheap
    bound first: a block collection nested d levels deep needs an indentation of about d/2
    columns, and flow nesting needs one bracket per level; only when that bound exceeds the
    limit do we walk the events to measure the real depth.
    """
    if len(text) <= MAX_DEPTH:
        return
    bound = text.count("[") + text.count("{")
    if bound <= MAX_DEPTH:
        longest = max(map(len, text.split("\n")))
        bound += 2 * (longest + 1)
    if bound <= MAX_DEPTH:
        return
    parser = _NodeParser(text)
    depth = 0
    try:
        while True:
            event = parser.get_event()
            name = type(event).__name__
            if name in ("MappingStartEvent", "SequenceStartEvent"):
                depth += 1
                if depth > MAX_DEPTH:
                    line, column = event.start_mark.line + 1, event.start_mark.column + 1
                    raise DecodeError(f"exceeded max depth of {MAX_DEPTH}", line, column)
            elif name in ("MappingEndEvent", "SequenceEndEvent"):
                depth -= 1
            elif name == "StreamEndEvent":
                return
    except MarkedYAMLError as error:
        raise _syntax_error(error, text) from None
    except YAMLError as error:
        raise _reader_error(error, text) from None


def _syntax_error(error: MarkedYAMLError, text: str) -> DecodeError:
    mark = error.problem_mark or error.context_mark
    problem = error.problem or error.context or "invalid YAML"
    line = mark.line + 1 if mark is not None else None
    column = mark.column + 1 if mark is not None else None
    message = f"YAML syntax error: {problem}"
    if error.context and error.problem and error.context_mark is not None:
        message += f" ({error.context} at line {error.context_mark.line + 1})"
    if line is not None and _has_tab(text, line):
        message += "; this line contains a tab character: YAML indentation must use spaces"
    return DecodeError(message, line, column)


def _reader_error(error: YAMLError, text: str) -> DecodeError:
    position = getattr(error, "position", None)
    reason = getattr(error, "reason", None) or str(error)
    character = getattr(error, "character", None)
    what = (
        f"character {character!r} (U+{ord(character):04X})"
        if isinstance(character, str)
        else f"character #x{character:04x}"
        if isinstance(character, int)
        else "character"
    )
    message = f"{what} is not allowed in YAML: {reason}"
    if position is None:
        return DecodeError(message, None, None)
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    return DecodeError(message, line, column)


def _has_tab(text: str, line: int) -> bool:
    start = 0
    for _ in range(line - 1):
        start = text.find("\n", start) + 1
        if start == 0:
            return False
    end = text.find("\n", start)
    return "\t" in text[start : end if end >= 0 else len(text)]
