"""Policies over every wire contract and every source file: checks of the tree, like the linters beside them.

They scan all contracts or all code at once (a JSON schema of each request, the syntax tree of each file that names a
subject), so they live here and not in the unit suite, which must stay fast (issue 13).
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator
from pathlib import Path

from shared.contracts import CATALOGUE, RequestSpec

# Built by the public feeds from URL parts, or asked only between services (not part of the API).
NOT_FROM_PEOPLE = {"CalendarQuery", "DirectoryQuery", "GroupsQuery"}

ROOT = Path(__file__).resolve().parents[2]
# Files that hold subjects off the scheme on purpose (the tests of the scheme itself).
DELIBERATELY_WRONG = {Path(__file__).resolve(), ROOT / "tests" / "unit" / "test_contracts.py"}
SUBJECT_LITERAL = re.compile(r"^(registry|notifications|events|gateway|deadletter)(\.[a-z0-9_*>-]+){2,}$")
# Where such a constant can begin in source text: after a quote, or after "}" inside an f-string. Only files
# that have one are parsed (a tenth of them), which keeps this check fast enough for the unit suite.
SUBJECT_START = re.compile(r"""['"}](registry|notifications|events|gateway|deadletter)\.""")


@functools.cache
def subject_literals() -> dict[str, list[str]]:
    """Every string constant in our code that looks like a NATS subject, with where it stands."""
    found: dict[str, list[str]] = {}
    for path in (
        p for top in ("services", "shared", "beratungsnetz", "tests", "bench") for p in ROOT.glob(f"{top}/**/*.py")
    ):
        if path in DELIBERATELY_WRONG:
            continue
        source = path.read_text()
        if not SUBJECT_START.search(source):
            continue
        for node in ast.walk(ast.parse(source, str(path))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and SUBJECT_LITERAL.match(node.value):
                found.setdefault(node.value, []).append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def covered_by(pattern: str) -> list[str]:
    """Catalogued subjects a NATS filter (with * or >) matches."""
    regex = re.escape(pattern).replace(r"\*", r"[^.]+").replace(">", r".+")
    return [s.subject for s in CATALOGUE.specs() if re.fullmatch(regex, s.subject)]


def test_every_subject_used_in_code_has_exactly_one_contract() -> None:
    literals = subject_literals()
    subjects = {s: where for s, where in literals.items() if "*" not in s and ">" not in s}
    unknown = {s: where for s, where in subjects.items() if len(CATALOGUE.lookup(s)) != 1}
    assert unknown == {}, f"Subjects ohne (genau einen) Vertrag: {unknown}"


def test_every_filter_used_in_code_covers_contracted_subjects() -> None:
    filters = {s: where for s, where in subject_literals().items() if "*" in s or ">" in s}
    empty = {f: where for f, where in filters.items() if not covered_by(f) and not CATALOGUE.lookup(f)}
    assert empty == {}, f"Filter ohne Vertrag dahinter: {empty}"
    assert covered_by("registry.group.>") and not covered_by("registry.gruppe.>")


def unconstrained(schema: dict, defs: dict, path: str) -> Iterator[str]:
    if "$ref" in schema:
        yield from unconstrained(defs[schema["$ref"].split("/")[-1]], defs, path)
        return
    for option in schema.get("anyOf", []):
        yield from unconstrained(option, defs, path)
    if schema.get("type") == "string" and not {"enum", "const", "pattern", "format"} & schema.keys():
        yield path
    if schema.get("type") == "array":
        yield from unconstrained(schema.get("items", {}), defs, path + "[]")
    for name, field in schema.get("properties", {}).items():
        yield from unconstrained(field, defs, f"{path}.{name}")


def test_no_request_contract_takes_an_unconstrained_string() -> None:
    found = []
    for spec in CATALOGUE.specs():
        if isinstance(spec, RequestSpec) and spec.request.__name__ not in NOT_FROM_PEOPLE:
            schema = spec.request.model_json_schema()
            found += unconstrained(schema, schema.get("$defs", {}), spec.request.__name__)
    assert found == []
