#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the prepared result files the report and compare tests read.

run_a.json   a small run: hooks, echo (with CDFs), bandwidth, and an experiment this build does
             not know (the report must still plot it), one unavailable metric and HTML-special
             characters in texts.
run_b.json   the same run later: one latency regression beyond the noise (+23 %), one change
             within the noise, one throughput gain, one change in % (no direction), one metric
             only B has.
run_v99.json run_a with a schema version no offloadlab reads.

Run from this folder: python3 make_fixtures.py
"""
import copy
import json

QS = [0.001, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.98,
      0.99, 0.995, 0.999, 0.9999, 1.0]
STATS = ("median", "p25", "p75", "p90", "p99", "p999", "min", "max", "mean")


def met(mid, label, unit, med, iqr, ci, method="live", paper=None, cdf=False, unavailable=None):
    m = {"id": mid, "label": label, "unit": unit, "method": method, "n": 1000,
         "median": med, "p25": med - iqr, "p75": med + iqr, "p90": med + 2 * iqr,
         "p99": med + 4 * iqr, "p999": med + 8 * iqr, "min": med - 2 * iqr,
         "max": med + 10 * iqr, "mean": med + iqr / 2, "ci95": [med - ci, med + ci],
         "flags": [], "paper": {"value": paper, "ref": "Fig. X"} if paper is not None else None,
         "verdict": "no paper value", "note": None, "unavailable": None}
    if cdf:
        m["cdf"] = [[q, round(med * (0.8 + 0.6 * q * q), 1)] for q in QS]
    if unavailable:
        for k in STATS:
            m[k] = None
        m.update(ci95=None, n=0, unavailable=unavailable, verdict="unavailable")
    return m


ENV = {"kernel": "6.18.44-test", "kernel_version": "6.18.44", "arch": "x86_64",
       "hostname": "fixture", "kernel_config": {}, "cpu_model": "Fixture CPU",
       "cpus_online": 2, "virtualised": "kvm", "clocksource": "tsc", "bpf_jit_enable": "1",
       "bpf_jit_harden": "0", "bpf_stats_enabled": "0", "unprivileged_bpf_disabled": "2",
       "governor": "unknown", "smt_active": "0", "intel_no_turbo": "unknown",
       "mitigations": {}, "pmu": "not available", "btf": "yes", "clock_read_ns": 20.0,
       "tools": {"offloadlab": "0.1.0", "git_commit": "fixture", "clang": "14",
                 "bpftool": "7.1.0", "libbpf": "1.1"}}


def exp(name, paper, question, metrics, notes=()):
    return {"name": name, "paper": paper, "question": question, "status": "ok", "error": None,
            "duration_s": 1.5, "notes": list(notes), "metrics": metrics}


A = {"schema": "offloadlab-results", "schema_version": 1, "started": "20261124-100000",
     "quick": True, "duration_s": 30.0, "environment": ENV, "experiments": [
         exp("hooks", "Table 1", "How long does a packet take to reach each hook?", [
             met("hooks.prep.xdp.testrun", "empty xdp program, per run", "ns", 5, 0.5, 0.2,
                 "test-run", 38),
             met("hooks.reach.tc.udp.busy", "reach TC ingress (udp, busy rx)", "ns", 170, 10,
                 3, "live", 273),
             met("hooks.reach.skskb.udp.busy", "reach the SK_SKB verdict (udp, busy rx)", "ns",
                 1300, 60, 20, "live", 1072),
             met("hooks.prep.skskb.testrun", "empty sk_skb program, per run", "ns", 0, 0, 0,
                 "test-run", 1350,
                 unavailable="test-run does not run sk_skb programs <here> & there"),
         ], ["A note with <b>html</b> & \"quotes\" that must be escaped"]),
         exp("echo", "Fig. 3", "How much faster is an echo at XDP?", [
             met("echo.lat.shared.udp.xdp", "latency, XDP (udp, shared)", "ns", 1800, 100, 10,
                 "live", 37800, cdf=True),
             met("echo.lat.shared.udp.socket_busy", "latency, socket busy (udp, shared)", "ns",
                 4600, 200, 20, "live", cdf=True),
             met("echo.tput.shared.udp.xdp", "throughput, XDP (udp, shared)", "kreq/s", 800, 5,
                 2),
         ]),
         exp("bandwidth", "Table 2", "How much bandwidth does an empty program cost?", [
             met("bandwidth.change.skskb", "change, SK_SKB", "%", -2.5, 1, 0.8, "model",
                 -14.1),
         ]),
         exp("futurexp", "Table 9", "An experiment this report has no plot recipe for", [
             met("futurexp.cost.a", "cost a", "ns", 50, 2, 1, "test-run"),
             met("futurexp.cost.b", "cost b", "ns", 80, 2, 1, "test-run"),
             met("futurexp.rate", "rate", "Mpps", 3.5, 0.1, 0.05),
         ]),
     ]}


def set_median(doc, mid, med, ci):
    for e in doc["experiments"]:
        for m in e["metrics"]:
            if m["id"] == mid:
                d = med - m["median"]
                for k in STATS:
                    m[k] += d
                m["ci95"] = [med - ci, med + ci]
                return
    raise KeyError(mid)


B = copy.deepcopy(A)
B["started"] = "20261124-110000"
set_median(B, "hooks.reach.skskb.udp.busy", 1600, 20)  # +23 %, beyond noise: regression
set_median(B, "hooks.reach.tc.udp.busy", 172, 3)  # +1 %, within noise
set_median(B, "echo.tput.shared.udp.xdp", 900, 2)  # +12.5 % throughput: better
set_median(B, "bandwidth.change.skskb", -6.0, 0.8)  # changed, no direction
B["experiments"][1]["metrics"].append(
    met("echo.lat.shared.udp.tc", "latency, TC (udp, shared)", "ns", 1850, 100, 10, "live",
        38500, cdf=True))

V99 = copy.deepcopy(A)
V99["schema_version"] = 99

for name, doc in (("run_a.json", A), ("run_b.json", B), ("run_v99.json", V99)):
    with open(name, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")
