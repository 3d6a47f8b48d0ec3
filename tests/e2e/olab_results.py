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


def same_as_local(remote_path, local_path, name, keys):
    """Experiment name run with two hosts (through the agent) against the local testbed: the
    same metric ids, and each of keys measured both ways with medians of the same order (the
    same veth path either way; two runs minutes apart differ by up to 40-60 % here) where the
    local run measured it. The remote run's metrics by id."""
    _, rm = experiment(remote_path, name)
    _, lm = experiment(local_path, name)
    missing = set(lm) - set(rm)
    assert not missing, ("not measured with two hosts", missing)
    for k in keys:
        a, b = ok(rm, k)["median"], lm[k]["median"]
        assert a > 0, (k, a)
        if b:  # where the local run measured it too
            assert 0.2 < a / b < 5, (k, a, b)
    return rm
