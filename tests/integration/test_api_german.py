"""Every route of the API, enumerated from its OpenAPI, refuses invalid input in German with German field names.

Over a real nats-server and a real SQLite token database (the gateway of tests/integration/test_gateway_edge.py);
no service answers, so a request the gateway lets through meets a German 503, never a 500.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from shared.contracts.german import FIELD_NAMES, WHOLE
from tests.integration.test_gateway_edge import gateway

# pydantic's and Starlette's English, as they would show through (messages of pydantic_core's error types)
ENGLISH = [
    "Field required",
    "Input should",
    "should be",
    "should have",
    "Value error",
    "Extra inputs",
    "is not a valid",
    "Invalid",
    "Expecting",
    "Unprocessable",
    "JSON decode",
    "unable to parse",
    "Not Found",
    "Method Not Allowed",
    "Internal Server Error",
    "body.",
    "query.",
]
GERMAN_NAMES = set(FIELD_NAMES.values()) | {WHOLE}


def wrong(schema: dict[str, Any], spec: dict) -> Any:
    """A value of the wrong type for a field's schema."""
    schema = _resolve(schema, spec)
    kinds = {o.get("type") for o in schema.get("anyOf", [schema])} | {
        _resolve(o, spec).get("type") for o in schema.get("anyOf", [])
    }
    if "string" in kinds:
        return {"falsch": True}
    if kinds & {"integer", "number", "boolean"}:
        return "elf"
    if "array" in kinds:
        return 7
    return [7]


def _resolve(schema: dict, spec: dict) -> dict:
    if "$ref" in schema:
        return spec["components"]["schemas"][schema["$ref"].split("/")[-1]]
    return schema


def _properties(schema: dict, spec: dict, seen: set[str]) -> set[str]:
    """Every field name of a request schema, nested ones too."""
    if "$ref" in schema:
        name = schema["$ref"].split("/")[-1]
        if name in seen:
            return set()
        seen.add(name)
    schema = _resolve(schema, spec)
    names = set(schema.get("properties", {}))
    for sub in [*schema.get("properties", {}).values(), *schema.get("anyOf", []), schema.get("items")]:
        if isinstance(sub, dict) and sub:
            names |= _properties(sub, spec, seen)
    return names


def _operations(spec: dict) -> list[tuple[str, str, dict]]:
    return [(method.upper(), path, op) for path, ops in spec["paths"].items() for method, op in ops.items()]


def _check(answer: httpx.Response, what: str) -> list[str]:
    """What is wrong with the answer to an invalid request (empty: German, with German field names)."""
    problems = []
    if answer.status_code >= 500 and answer.status_code != 503 or answer.status_code < 400:
        return [f"{what}: {answer.status_code} {answer.text[:200]}"]
    body = answer.json()
    texts = [body.get("fehler", ""), *body.get("felder", {}).values()]
    problems += [f"{what}: English „{t}“" for t in texts if any(e in t for e in ENGLISH)]
    for field in body.get("felder", {}):
        unknown = [p for p in field.split(".") if p not in GERMAN_NAMES and not p.isdigit()]
        problems += [f"{what}: field {field!r} not German ({unknown})"] if unknown else []
    if answer.status_code == 422 and not body.get("fehler"):
        problems.append(f"{what}: 422 without a message")
    return problems


async def test_every_field_of_the_api_has_a_german_name(nats_server, tmp_path) -> None:
    async with gateway(nats_server, tmp_path) as http:
        spec = (await http.get("/api/v1/openapi.json")).json()
    names: set[str] = set()
    for _method, _path, op in _operations(spec):
        names |= {p["name"] for p in op.get("parameters", []) if p["in"] == "query"}
        if body := op.get("requestBody"):
            names |= _properties(body["content"]["application/json"]["schema"], spec, set())
    assert names >= {"title", "list_id", "organiser_group_id"}  # the enumeration found the contracts' fields
    assert sorted(names - FIELD_NAMES.keys()) == []


async def test_invalid_bodies_and_parameters_are_refused_in_german_on_every_route(nats_server, tmp_path) -> None:
    async with gateway(nats_server, tmp_path) as http:
        spec = (await http.get("/api/v1/openapi.json")).json()
        operations = _operations(spec)
        assert len([o for o in operations if o[1].startswith("/api/v1/")]) >= 60
        problems: list[str] = []
        refused = 0
        for method, path, op in operations:
            url = re.sub(r"\{[^}]+\}", "gibt-es-nicht", path)
            if body := op.get("requestBody"):
                schema = _resolve(body["content"]["application/json"]["schema"], spec)
                fields = schema.get("properties", {})
                attempts: list[dict[str, Any]] = [
                    {"json": {}},
                    {"json": {name: wrong(s, spec) for name, s in fields.items()}},
                    {"json": []},
                    {"content": b'{"titel": ', "headers": {"Content-Type": "application/json"}},
                ]
                for attempt in attempts:
                    answer = await http.request(method, url, **attempt)
                    refused += answer.status_code == 422
                    problems += _check(answer, f"{method} {path} {attempt}")
            for parameter in op.get("parameters", []):
                if parameter["in"] != "query":
                    continue
                kind = parameter.get("schema", {}).get("type")
                value = "elf" if kind in ("integer", "number", "boolean") else "\x01" * 3
                answer = await http.request(method, url, params={parameter["name"]: value})
                if answer.status_code >= 400:
                    refused += answer.status_code == 422
                    problems += _check(answer, f"{method} {path}?{parameter['name']}={value!r}")
        assert refused > 150, refused
        assert problems == [], "\n".join(problems[:40])
