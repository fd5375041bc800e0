"""Safe YAML reading for entry files: plain data out, positions on demand, every trap refused.

Only the YAML core types are built (strings, numbers, booleans, null, dates, lists, mappings).
Anchors and aliases, duplicate keys, tabs in indentation, non-UTF-8 bytes, empty files, several
documents and any explicit ``!!python/...`` style tag are reported as problems, never executed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from alignhub.problems import Problem

try:  # libyaml's parser is several times faster; the pure-Python one gives the same nodes.
    from yaml.cyaml import CParser as _Parser  # type: ignore[attr-defined]  # not in the stubs' __all__
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)


_SCALAR_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")
)
_MAP_TAG = "tag:yaml.org,2002:map"
_NULL_TAG = "tag:yaml.org,2002:null"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_LEADING_TAB = re.compile(r"^[ ]*\t", re.MULTILINE)
# Characters no entry needs and that mislead: control characters (a NUL, a stray escape), line
# separators YAML counts as line breaks though editors do not (every later line number would be
# off), zero-width characters (two ids or titles that look the same but differ) and bidirectional
# overrides (text displayed in another order than it is read, "Trojan Source").
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffb]"
)
# Mappings whose scalar values are kept as written: an unquoted arXiv id like 2305.18290 would
# otherwise become the float 2305.1829 and lose its last digit.
_VERBATIM_KEYS = frozenset({"links"})
_STR_TAG = "tag:yaml.org,2002:str"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class _FastResolver(Resolver):
    """YAML 1.1 implicit typing, answering at once for the plain scalars that can only be strings.

    Most scalars in an entry are words ("title", "Direct Preference …"); the stock resolver tries
    its regexes on each of them, which is much of the cost of composing a file. A plain scalar that
    starts with a letter is a string unless it is one of YAML 1.1's boolean or null words, so only
    those words and values starting with a digit or a sign go through the full resolver.
    """

    _WORDS = frozenset((
        "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL",
    ))
    _SYMBOL_FIRST_CHARS = frozenset(k for k in Resolver.yaml_implicit_resolvers if k and not k.isalpha())

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            if implicit[0] and (not value or value[0] in self._SYMBOL_FIRST_CHARS or value in self._WORDS):
                return Resolver.resolve(self, kind, value, implicit)
            return _STR_TAG
        return _SEQ_TAG if kind is SequenceNode else _MAP_TAG


class _Loader(_Parser, _FastResolver):  # type: ignore[misc,valid-type]
    """Composes nodes only: nothing is ever constructed from a tag."""

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        _FastResolver.__init__(self)

Path_ = tuple[str | int, ...]

_constructor = SafeConstructor()


@dataclass
class SourceMap:
    """Where each value and key of an entry file stands (1-based line, column), by path."""

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
    """A node the safe reader will not build; `path` leads to it from the document root."""

    def __init__(self, node: Node, rule: str, message: str, hint: str = "", path: Path_ = ()) -> None:
        super().__init__(message)
        self.node, self.rule, self.message, self.hint, self.path = node, rule, message, hint, path


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
            "save it as UTF-8; most editors offer this under 'Save with encoding'", "not-utf8",
        )


def _invisible_problem(text: str, at: int) -> Problem:
    """Where the first refused character is, counting lines as editors do (by \\n only)."""
    line = text.count("\n", 0, at) + 1
    col = at - (text.rfind("\n", 0, at) + 1) + 1
    ch = text[at]
    name = unicodedata.name(ch, "control character")
    return Problem("", line, col, "", f"invisible or control character U+{ord(ch):04X} ({name}) is not allowed",
                   "delete it: it is often pasted along with text from a PDF or a web page", "invisible-character")


def _find_anchor(text: str) -> Problem | None:
    """Anchors and aliases make a file hard to review and enable 'billion laughs' bombs."""
    for event in yaml.parse(text, Loader=_Loader):  # type: ignore[arg-type]  # any parser class works
        anchor = getattr(event, "anchor", None)
        if isinstance(event, yaml.AliasEvent) or anchor is not None:
            mark = event.start_mark
            line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
            kind = "alias" if isinstance(event, yaml.AliasEvent) else "anchor"
            return Problem(
                "", line, col, "", f"YAML {kind} '{anchor}' is not allowed",
                "write the value out in full: entries use plain YAML without & or * references", "yaml-anchor",
            )
    return None


def _compose(raw: bytes) -> tuple[MappingNode | None, list[Problem]]:
    """The file's root mapping node, or the problems that stop it from being one."""
    text, problem = _decode(raw)
    if text is None:
        return None, [problem] if problem else []
    invisible = _INVISIBLE.search(text)
    if invisible:
        return None, [_invisible_problem(text, invisible.start())]
    tab = _LEADING_TAB.search(text)
    if tab:
        line = text.count("\n", 0, tab.start()) + 1
        col = tab.end() - tab.start()
        return None, [
            Problem("", line, col, "", "tab character in indentation",
                    "YAML indents with spaces only; replace the tab with spaces", "tab-indentation")
        ]
    try:
        if "&" in text or "*" in text:
            found = _find_anchor(text)
            if found:
                return None, [found]
        root = yaml.compose(text, Loader=_Loader)  # type: ignore[arg-type]  # any composer class works
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        message = err.problem or str(err)
        if err.context and err.context not in message:
            message = f"{err.context}, {message}"
        return None, [Problem("", line, col, "", f"YAML syntax error: {message}",
                              "check indentation and quote values that contain ': ' or start with a special character",
                              "yaml-syntax")]
    except yaml.YAMLError as err:  # pragma: no cover - libyaml reports everything with marks
        return None, [Problem("", 0, 0, "", f"YAML error: {err}", rule="yaml-syntax")]
    if root is None:
        return None, [Problem("", 0, 0, "", "the file is empty",
                              "an entry needs at least title, type, topic, year, links, summary and added",
                              "empty-file")]
    if not isinstance(root, MappingNode) or root.tag != _MAP_TAG:
        kind = "a list" if isinstance(root, SequenceNode) else "a single value"
        line, col = _pos(root)
        return None, [Problem("", line, col, "", f"the file holds {kind}, not a mapping of fields",
                              "write one 'field: value' per line, starting with 'title:'", "not-a-mapping")]
    return root, []


def parse_document(raw: bytes) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Parse one entry file into plain data. Problems carry an empty path; the caller fills it in.

    Positions are not kept here: they are only needed for the rare file with a problem, and
    `source_map` recomputes them from the same bytes on demand.
    """
    root, problems = _compose(raw)
    if root is None:
        return None, problems
    try:
        return _build_mapping(root, verbatim=False, top=True), []
    except _Refused as err:
        line, col = _pos(err.node)
        return None, [Problem("", line, col, _dotted(err.path), err.message, err.hint, err.rule)]


def source_map(raw: bytes) -> SourceMap:
    """Where each key and value of a (well-formed) entry file stands."""
    found = SourceMap()
    root, _ = _compose(raw)
    if root is not None:
        found.positions[()] = _pos(root)
        _record(root, (), found)
    return found


def _record(node: Node, path: Path_, found: SourceMap) -> None:
    found.positions[path] = _pos(node)
    if isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            _record(item, (*path, i), found)
    elif isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            key = (*path, key_node.value)
            found.key_positions.setdefault(key, _pos(key_node))
            _record(value_node, key, found)


def _check_tag(node: Node, allowed: frozenset[str]) -> None:
    if node.tag not in allowed:
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        raise _Refused(node, "yaml-tag", f"YAML tag '{tag}' is not allowed",
                       "remove the tag: entries hold plain strings, numbers, dates, lists and mappings")


_SEQ_TAGS = frozenset({_SEQ_TAG})
_MAP_TAGS = frozenset({_MAP_TAG})

# The builders below run once per node of every file, so they carry no path: a _Refused error
# collects the path on its way up (see _within), which costs nothing when nothing is wrong.
# Aliases never reach them: any file with a '*' is checked for anchors and aliases beforehand.


def _within(err: _Refused, step: str | int) -> _Refused:
    err.path = (step, *err.path)
    return err


def _build(node: Node, verbatim: bool) -> Any:
    if isinstance(node, ScalarNode):
        tag = node.tag
        if tag == _STR_TAG or (verbatim and tag in _SCALAR_TAGS and tag != _NULL_TAG):
            return node.value
        _check_tag(node, _SCALAR_TAGS)
        try:
            return _constructor.construct_object(node)
        except (ConstructorError, ValueError) as err:
            if tag == _TIMESTAMP_TAG:
                raise _Refused(node, "invalid-date", f"'{node.value}' is not a date ({err})",
                               "write the date as YYYY-MM-DD, e.g. 2024-05-31") from None
            raise _Refused(node, "invalid-value", f"cannot read value {node.value!r}: {err}") from None
    if isinstance(node, SequenceNode):
        _check_tag(node, _SEQ_TAGS)
        items = []
        for index, item in enumerate(node.value):
            try:
                items.append(_build(item, verbatim))
            except _Refused as err:
                raise _within(err, index) from None
        return items
    _check_tag(node, _MAP_TAGS)
    assert isinstance(node, MappingNode)  # the three node kinds: scalars and sequences are handled above
    return _build_mapping(node, verbatim)


def _build_mapping(node: MappingNode, verbatim: bool, top: bool = False) -> dict[str, Any]:
    result: dict[str, Any] = {}
    key_nodes: dict[str, Node] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode) or key_node.tag not in _SCALAR_TAGS:
            raise _Refused(key_node, "invalid-key", "field names must be plain words", "write 'name: value'")
        key = key_node.value
        if key == "<<":
            raise _Refused(key_node, "yaml-merge-key", "YAML merge keys ('<<') are not allowed",
                           "write the fields out in full")
        if key in key_nodes:
            first_line = key_nodes[key].start_mark.line + 1
            raise _Refused(key_node, "duplicate-key", f"duplicate key '{key}' (first given on line {first_line})",
                           "keep one of them: YAML would silently use the last", (key,))
        key_nodes[key] = key_node
        try:
            result[key] = _build(value_node, verbatim or (top and key in _VERBATIM_KEYS))
        except _Refused as err:
            raise _within(err, key) from None
    return result
