#!/usr/bin/env python3
"""Checks an OpenAPI document Roost serves against real exchanges with the gateway.

    openapi_check.py DOCUMENT.json EXCHANGES.jsonl

1. The document must be valid OpenAPI 3.1 (openapi-spec-validator).
2. Each exchange (one JSON object a line: method, path with query, status, content_type, body)
   must match a documented operation and a documented status; a JSON body must validate against
   that response's schema (jsonschema, draft 2020-12, the document's components resolvable);
   another body's content type must be one the response documents.
3. Every documented operation must appear in at least one exchange with a 2xx status.

Prints one JSON line: {"ok", "exchanges", "operations", "problems": [...]}; exits 1 on any problem.
"""
import json
import re
import sys

from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_spec
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def pointer(*parts):
    return "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def main():
    doc = json.load(open(sys.argv[1]))
    exchanges = [json.loads(line) for line in open(sys.argv[2]) if line.strip()]
    problems = []
    try:
        validate_spec(doc)
    except Exception as error:  # the validator raises one error with the first problem
        problems.append(f"invalid OpenAPI document: {error}")

    registry = Registry().with_resource("urn:doc", Resource.from_contents(doc, default_specification=DRAFT202012))
    operations = []
    for path, item in doc.get("paths", {}).items():
        segments = path.strip("/").split("/") if path != "/" else []
        literal = sum(1 for s in segments if not s.startswith("{"))
        pattern = "^" + re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(path)) + "$"
        for method in METHODS:
            if method in item:
                operations.append({"method": method.upper(), "path": path, "re": re.compile(pattern), "literal": literal,
                                   "op": item[method], "covered": False})
    # Most literal segments first: `/v1/images/search` before `/v1/images/{id}`.
    operations.sort(key=lambda o: -o["literal"])

    for exchange in exchanges:
        method, status = exchange["method"].upper(), str(exchange["status"])
        path = exchange["path"].split("?")[0]
        where = f"{method} {exchange['path']} -> {status}"
        match = next((o for o in operations if o["method"] == method and o["re"].match(path)), None)
        if match is None:
            match = next((o for o in operations if o["method"] == "GET" and method == "HEAD" and o["re"].match(path)), None)
        if match is None:
            problems.append(f"{where}: no documented operation")
            continue
        responses = match["op"].get("responses", {})
        key = status if status in responses else status[0] + "XX" if status[0] + "XX" in responses else "default"
        if key not in responses:
            problems.append(f"{where}: status not documented for {method} {match['path']} (documented: {sorted(responses)})")
            continue
        if status.startswith("2"):
            match["covered"] = True
        content = responses[key].get("content")
        media = (exchange.get("content_type") or "").split(";")[0].strip().lower()
        if not content:
            continue
        if media not in content:
            problems.append(f"{where}: content type {media!r} not documented ({sorted(content)})")
            continue
        if media != "application/json":
            continue
        ref = "urn:doc#/" + pointer("paths", match["path"], method.lower(), "responses", key, "content", media, "schema")
        validator = Draft202012Validator({"$ref": ref}, registry=registry)
        errors = sorted(validator.iter_errors(exchange.get("body")), key=lambda e: list(e.absolute_path))
        for error in errors[:3]:
            at = "/".join(str(p) for p in error.absolute_path)
            problems.append(f"{where}: body at /{at}: {error.message[:300]}")

    for o in operations:
        if not o["covered"]:
            problems.append(f"{o['method']} {o['path']}: no exchange with a 2xx answer")
    print(json.dumps({"ok": not problems, "exchanges": len(exchanges), "operations": len(operations), "problems": problems}))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
