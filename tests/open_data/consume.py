#!/usr/bin/env python3
"""An outside consumer of a jiedu site's open data, as a 12345 hotline knowledge base would be.

Starts from data/policies.json, as published, follows its `schema` and every policy's `data`
link, checks each schema against the JSON Schema meta-schema and each file against its schema
with the stock `jsonschema` package (Draft 2020-12), and prints the files it read as one JSON
object on standard output: {"list": <policies.json>, "policies": {slug: <data/<slug>.json>}}.
Exits 1 listing every violation (file, JSON path, message) when a file does not validate.

Usage: consume.py SITE_DIR
"""

import json
import sys
from pathlib import Path
from urllib.parse import urlparse

from jsonschema import Draft202012Validator, FormatChecker


def main() -> int:
    site = Path(sys.argv[1])
    listing_path = site / "data" / "policies.json"
    listing = json.loads(listing_path.read_text(encoding="utf-8"))
    # Every url in the data is a site path; the site may live under a sub-path of base_url.
    prefix = urlparse(listing.get("base_url", "/")).path or "/"

    def local(site_path: str) -> Path:
        if not site_path.startswith(prefix):
            raise SystemExit(f"{site_path}: not under the site's path {prefix}")
        return site / site_path[len(prefix):]

    errors = []
    schemas = {}

    def validate(path: Path, doc) -> None:
        if not isinstance(doc.get("schema"), str):
            errors.append(f"{path.relative_to(site)}: no `schema` naming its JSON Schema")
            return
        schema_file = local(doc["schema"])
        if schema_file not in schemas:
            schema = json.loads(schema_file.read_text(encoding="utf-8"))
            Draft202012Validator.check_schema(schema)
            schemas[schema_file] = Draft202012Validator(schema, format_checker=FormatChecker())
        for e in schemas[schema_file].iter_errors(doc):
            where = "".join(f"[{p!r}]" for p in e.absolute_path)
            errors.append(f"{path.relative_to(site)} {where or '(root)'}: {e.message}")

    validate(listing_path, listing)
    policies = {}
    for p in listing.get("policies", []):
        path = local(p["data"])
        doc = json.loads(path.read_text(encoding="utf-8"))
        validate(path, doc)
        policies[p["slug"]] = doc

    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 1
    json.dump({"list": listing, "policies": policies}, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
