"""Safe YAML reading for entry files: plain data out, source positions kept, every trap refused.

Only the YAML core types are built (strings, numbers, booleans, null, dates, lists, mappings).
Anchors and aliases, duplicate keys, tabs in indentation, non-UTF-8 bytes, empty files, several
documents and any explicit ``!!python/...`` style tag are reported as problems, never executed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from alignhub.problems import Problem

try:  # libyaml's parser is several times faster; the pure-Python one gives the same nodes.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Path_ = tuple[str | int, ...]

_SCALAR_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")
)
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_LEADING_TAB = re.compile(r"^[ ]*\t", re.MULTILINE)
# Mappings whose scalar values are kept as written: an unquoted arXiv id like 2305.18290 would
# otherwise become the float 2305.1829 and lose its last digit.
_VERBATIM_KEYS = frozenset({"links"})

_constructor = SafeConstructor()


@dataclass
class Document:
    """A parsed YAML mapping plus where each value and key stood in the file (1-based line, col)."""

    data: dict[str, Any]
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """Position of `path`, or of its nearest located ancestor."""
        table = self.key_positions if key else self.positions
        probe = tuple(path)
        while probe:
            if probe in table:
                return table[probe]
            if not key and probe in self.key_positions:
                return self.key_positions[probe]
            probe = probe[:-1]
        return self.positions.get((), (1, 1))


class _Refused(Exception):
    def __init__(self, node: Node, message: str, hint: str = "", field: str = "") -> None:
        super().__init__(message)
        self.node, self.message, self.hint, self.field = node, message, hint, field


def _pos(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _dotted(path: Path_) -> str:
    return ".".join(str(p) for p in path)


def _decode(raw: bytes) -> tuple[str | None, Problem | None]:
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        col = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        bad = raw[err.start : err.start + 1].hex()
        return None, Problem(
            "", line, col, "", f"the file is not valid UTF-8 (byte 0x{bad})",
            "save it as UTF-8; most editors offer this under 'Save with encoding'",
        )


def _find_anchor(text: str) -> Problem | None:
    """Anchors and aliases make a file hard to review and enable 'billion laughs' bombs."""
    for event in yaml.parse(text, Loader=_Loader):
        anchor = getattr(event, "anchor", None)
        if isinstance(event, yaml.AliasEvent) or anchor is not None:
            line, col = event.start_mark.line + 1, event.start_mark.column + 1
            kind = "alias" if isinstance(event, yaml.AliasEvent) else "anchor"
            return Problem(
                "", line, col, "", f"YAML {kind} '{anchor}' is not allowed",
                "write the value out in full: entries use plain YAML without & or * references",
            )
    return None


def parse_document(raw: bytes) -> tuple[Document | None, list[Problem]]:
    """Parse one entry file. Problems carry an empty path; the caller fills it in."""
    text, problem = _decode(raw)
    if text is None:
        return None, [problem] if problem else []
    tab = _LEADING_TAB.search(text)
    if tab:
        line = text.count("\n", 0, tab.start()) + 1
        col = tab.end() - tab.start()
        return None, [
            Problem("", line, col, "", "tab character in indentation",
                    "YAML indents with spaces only; replace the tab with spaces")
        ]
    try:
        if "&" in text or "*" in text:
            found = _find_anchor(text)
            if found:
                return None, [found]
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        message = err.problem or str(err)
        if err.context and err.context not in message:
            message = f"{err.context}, {message}"
        return None, [Problem("", line, col, "", f"YAML syntax error: {message}",
                              "check indentation and quote values that contain ': ' or start with a special character")]
    except yaml.YAMLError as err:  # pragma: no cover - libyaml reports everything with marks
        return None, [Problem("", 0, 0, "", f"YAML error: {err}")]
    if root is None:
        return None, [Problem("", 0, 0, "", "the file is empty",
                              "an entry needs at least title, type, topic, year, links, summary and added")]
    if not isinstance(root, MappingNode) or root.tag != _MAP_TAG:
        kind = "a list" if isinstance(root, SequenceNode) else "a single value"
        line, col = _pos(root)
        return None, [Problem("", line, col, "", f"the file holds {kind}, not a mapping of fields",
                              "write one 'field: value' per line, starting with 'title:'")]
    doc = Document(data={})
    try:
        doc.data = _build_mapping(root, (), doc, verbatim=False, seen=set())
    except _Refused as err:
        line, col = _pos(err.node)
        return None, [Problem("", line, col, err.field, err.message, err.hint)]
    doc.positions[()] = _pos(root)
    return doc, []


def _check_tag(node: Node, path: Path_, allowed: frozenset[str] | str) -> None:
    ok = node.tag in allowed if isinstance(allowed, frozenset) else node.tag == allowed
    if not ok:
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        raise _Refused(node, f"YAML tag '{tag}' is not allowed",
                       "remove the tag: entries hold plain strings, numbers, dates, lists and mappings",
                       _dotted(path))


def _build(node: Node, path: Path_, doc: Document, verbatim: bool, seen: set[int]) -> Any:
    if id(node) in seen:  # only reachable through an alias; kept as a guard against bombs
        raise _Refused(node, "YAML alias is not allowed", "write the value out in full", _dotted(path))
    seen.add(id(node))
    doc.positions[path] = _pos(node)
    if isinstance(node, ScalarNode):
        _check_tag(node, path, _SCALAR_TAGS)
        if verbatim and node.tag != "tag:yaml.org,2002:null":
            return node.value
        try:
            return _constructor.construct_object(node)
        except (ConstructorError, ValueError) as err:
            raise _Refused(node, f"cannot read value {node.value!r}: {err}", "", _dotted(path)) from None
    if isinstance(node, SequenceNode):
        _check_tag(node, path, _SEQ_TAG)
        return [_build(item, (*path, i), doc, verbatim, seen) for i, item in enumerate(node.value)]
    _check_tag(node, path, _MAP_TAG)
    return _build_mapping(node, path, doc, verbatim, seen)


def _build_mapping(node: MappingNode, path: Path_, doc: Document, verbatim: bool, seen: set[int]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode) or key_node.tag not in _SCALAR_TAGS:
            raise _Refused(key_node, "field names must be plain words", "write 'name: value'", _dotted(path))
        key = key_node.value
        if key == "<<":
            raise _Refused(key_node, "YAML merge keys ('<<') are not allowed", "write the fields out in full",
                           _dotted(path))
        if key in result:
            first_line = doc.key_positions[(*path, key)][0]
            raise _Refused(key_node, f"duplicate key '{key}' (first given on line {first_line})",
                           "keep one of them: YAML would silently use the last", _dotted((*path, key)))
        doc.key_positions[(*path, key)] = _pos(key_node)
        child_verbatim = verbatim or (not path and key in _VERBATIM_KEYS)
        result[key] = _build(value_node, (*path, key), doc, child_verbatim, seen)
    return result
