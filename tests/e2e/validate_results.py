#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Validate an offloadlab results document against docs/results.schema.json."""
import json
import sys

import jsonschema

if len(sys.argv) != 3:
    sys.exit("usage: validate_results.py SCHEMA RESULTS")
with open(sys.argv[1]) as f:
    schema = json.load(f)
with open(sys.argv[2]) as f:
    doc = json.load(f)
errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(doc), key=lambda e: list(e.path))
for e in errors[:10]:
    print("schema: %s: %s" % ("/".join(str(p) for p in e.path), e.message), file=sys.stderr)
sys.exit(1 if errors else 0)
