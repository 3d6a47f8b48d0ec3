# SPDX-License-Identifier: GPL-2.0
"""What the e2e tests' Python checks share: one experiment of a results.json, its metrics."""
import json


def experiment(path, name):
    """The experiment (it must have run) and its metrics by id."""
    with open(path) as f:
        d = json.load(f)
    e = [x for x in d["experiments"] if x["name"] == name][0]
    assert e["status"] == "ok", e["error"]
    return e, {x["id"]: x for x in e["metrics"]}


def ok(m, k):
    """Metric k, which must be there and measured."""
    assert k in m and m[k]["unavailable"] is None, (k, m.get(k))
    return m[k]
