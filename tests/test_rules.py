"""The rule registry: every problem names a registered rule, and every rule is tested and documented."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from alignhub.problems import Problem
from alignhub.rules import RULES, SEVERITIES, RuleError, severity

SRC = Path(__file__).parent.parent / "src" / "alignhub"
TESTS = Path(__file__).parent


def test_a_problem_with_an_unknown_or_no_rule_is_refused_at_construction() -> None:
    with pytest.raises(KeyError, match="no-such-rule"):
        Problem("entries/methods/dpo.yaml", rule="no-such-rule")
    with pytest.raises(KeyError):
        Problem("entries/methods/dpo.yaml", message="no rule named")
    with pytest.raises(KeyError):
        RuleError("no-such-rule", "a message")


def test_the_printed_line_ends_with_the_rule_id() -> None:
    problem = Problem("entries/methods/dpo.yaml", 3, 1, "links.arxiv", "'２３' is not an arXiv id",
                      "use ASCII digits and punctuation", "non-ascii-digits")
    assert problem.format() == ("entries/methods/dpo.yaml:3:1: links.arxiv: '２３' is not an arXiv id "
                                "(use ASCII digits and punctuation) [non-ascii-digits]")


def test_rules_are_kebab_case_with_a_known_severity_and_a_one_line_description() -> None:
    for rule in RULES.values():
        assert rule.id.replace("-", "").isalnum() and rule.id == rule.id.lower(), rule.id
        assert rule.severity in SEVERITIES, rule.id
        assert rule.checks and "\n" not in rule.checks and "|" not in rule.checks, rule.id


def test_strict_raises_warnings_only() -> None:
    for rule in RULES.values():
        expected = "error" if rule.severity == "warning" else rule.severity
        assert (severity(rule.id), severity(rule.id, strict=True)) == (rule.severity, expected)


def _rule_literals() -> list[tuple[str, int, str]]:
    """(file, line, id) of each rule id written in the code: a `rule=` argument, the rule argument of
    Problem, RuleError and _Refused, a `rule = ...` class attribute, and the catalog's uniqueness table."""
    found = []
    positions = {"Problem": 6, "RuleError": 0, "_Refused": 1}
    for path in sorted(SRC.rglob("*.py")):
        if path.name == "rules.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            values: list[ast.expr] = []
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                values += [k.value for k in node.keywords if k.arg == "rule"]
                if name in positions and len(node.args) > positions[name]:
                    values.append(node.args[positions[name]])
                if name == "Problem":
                    assert len(node.args) > 6 or any(k.arg == "rule" for k in node.keywords), (
                        f"{path.name}:{node.lineno}: Problem(...) without a rule")
            elif isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "rule" for t in node.targets):
                values.append(node.value)
            elif isinstance(node, ast.Tuple) and len(node.elts) == 4 and path.name == "catalog.py":
                values.append(node.elts[3])
            for value in values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    found.append((path.name, value.lineno, value.value))
                else:
                    assert isinstance(value, ast.Name | ast.Attribute | ast.Call | ast.IfExp), (
                        f"{path.name}:{value.lineno}: a rule that is neither a literal nor a name")
    return found


def test_every_problem_site_names_a_registered_rule() -> None:
    for name, line, rule in _rule_literals():
        assert rule in RULES, f"{name}:{line}: unregistered rule {rule!r}"


def test_every_registered_rule_is_used_by_the_code() -> None:
    used = {rule for _, _, rule in _rule_literals()} | {"unreadable-file"}  # fsutil.unreadable_rule's default
    assert sorted(set(RULES) - used) == []


def test_every_registered_rule_is_asserted_by_a_test() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in TESTS.glob("test_*.py") if p.name != "test_rules.py")
    untested = [rule for rule in RULES if f'"{rule}"' not in text and f"[{rule}]" not in text]
    assert untested == []


def test_every_rule_is_in_the_contributing_guide() -> None:
    guide = (Path(__file__).parent.parent / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for rule in RULES.values():
        assert f"| `{rule.id}` | {rule.severity} | {rule.checks} |" in guide, rule.id
