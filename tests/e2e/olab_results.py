# SPDX-License-Identifier: GPL-2.0
"""What the e2e tests' Python checks share: one experiment of a results.json, its metrics."""
import json

# Metrics whose presence is an outcome of the run, not of the code path: a lower bound written
# only when the generator limited the run (kv's ".atleast" ids).
OUTCOME_IDS = (".atleast",)

# An unavailable reason that says the machine was too busy to carry a load, not that the path
# is missing: beside other work a 2-vCPU machine may not carry an offered rate.
LOAD_REASONS = ("did not carry",)


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


def measured_or_busy(m, k):
    """Metric k: there, and measured or unavailable only because the machine did not carry
    the load. Its median, or None in the second case."""
    assert k in m, (k, "missing")
    why = m[k]["unavailable"]
    if why is None:
        return m[k]["median"]
    assert any(r in why for r in LOAD_REASONS), (k, why)
    return None


def same_order(k, a, b):
    """Metrics a (two hosts) and b (the local run) of one id: medians of the same order, where
    the local run measured it. Wide on purpose: two runs minutes apart on a busy 2-vCPU machine
    differed by 28x (isolation's latency beside a build); what the check is for is a wrong
    unit, clock or path, which is >= 1000x."""
    if b.get("unavailable") is None and b.get("median"):
        assert 0.02 < a["median"] / b["median"] < 50, (k, a["median"], b["median"])


def same_as_local(remote_path, local_path, name, keys):
    """Experiment name run with two hosts (through the agent) against the local testbed: the
    same metric ids (but for outcome-dependent ones), and each of keys measured with two hosts
    (or unavailable there for a load the machine did not carry, never all of them), with a
    median of the same order as the local run's where that measured it (same_order). The
    remote run's metrics by id."""
    _, rm = experiment(remote_path, name)
    _, lm = experiment(local_path, name)
    missing = {k for k in set(lm) - set(rm) if not any(o in k for o in OUTCOME_IDS)}
    assert not missing, ("not measured with two hosts", missing)
    measured = 0
    for k in keys:
        a = measured_or_busy(rm, k)
        if a is None:
            continue
        measured += 1
        assert a > 0, (k, a)
        if k in lm:
            same_order(k, rm[k], lm[k])
    assert measured > len(keys) // 2, ("most metrics unavailable with two hosts", keys)
    return rm
