#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A hostile agent for the driver's tests: run as --remote-cmd "python3 fake_agent.py MODE"
(the driver appends "BIN agent --stdio", ignored). It answers hello and device as an agent
does, then misbehaves as MODE says; every request it gets is logged to $FAKE_LOG.

  v99       answers hello in protocol version 99
  deadline  answers nothing else, but sends an event line every 0.2 s
  escape    sends escape sequences in its events, errors, environment, result labels and on
            its standard error
  hkstats   serves hooks with hk_stats counters at INT64_MIN, then INT64_MAX
  nul       answers run with a line holding a NUL byte after a whole answer
"""
import json
import os
import select
import sys
import time

MODE = sys.argv[1] if len(sys.argv) > 1 else ""
LOG = os.environ.get("FAKE_LOG")
ESC = "\x1b]0;owned\x07\x1b[2J\x1b[31m\u009b1m"
stats_calls = 0


def say(o):
    sys.stdout.write(json.dumps(o) + "\n")
    sys.stdout.flush()


def log(req):
    if LOG:
        with open(LOG, "a") as f:
            f.write(json.dumps(req) + "\n")


def answer(req):
    global stats_calls
    op = req.get("op")
    if op == "hello":
        env = {"kernel": "fake" + (ESC if MODE == "escape" else "")}
        if MODE == "escape":  # its standard error reaches the driver's too
            sys.stderr.write("stderr says" + ESC + "\n")
            sys.stderr.flush()
        say({"ok": True, "version": 99 if MODE == "v99" else 1, "agent": "fake", "env": env})
    elif op == "device":
        say({"ok": True, "dev": req.get("dev"), "ifindex": 2, "mac": "02:00:00:00:00:02"})
    elif op == "bye":
        say({"ok": True})
        sys.exit(0)
    elif MODE == "deadline":
        # progress lines, never an answer: only stdin's end or a signal stops this
        while not select.select([sys.stdin], [], [], 0.2)[0]:
            say({"event": "still working"})
        return
    elif MODE == "escape" and op == "run":
        say({"event": "about to " + ESC + " change things"})
        say({"ok": True, "result": {"metrics": [
            {"id": req.get("name", "x") + ".native", "label": "label" + ESC, "unit": "ns" + ESC,
             "method": "native", "n": 3, "median": 1.0, "note": "note" + ESC}],
            "notes": ["a note" + ESC]}})
    elif MODE == "nul" and op == "run":
        sys.stdout.write('{"ok": true, "result": {"metrics": []}}\0{"ok": false}\n')
        sys.stdout.flush()
    elif MODE == "hkstats" and op == "hk_up":
        say({"ok": True, "caps": {"nrs": False, "sdr": False, "why_nrs": "", "why_sdr": ""}})
    elif MODE == "hkstats" and op == "hk_testrun":
        say({"ok": True, "result": {"metrics": []}})
    elif MODE == "hkstats" and op in ("hk_open", "hk_down"):
        say({"ok": True})
    elif MODE == "hkstats" and op == "hk_close":
        say({"ok": True, "got": 0})
    elif MODE == "hkstats" and op == "hk_stats":
        v = -(2 ** 63) if stats_calls == 0 else 2 ** 63 - 1
        stats_calls += 1
        say({"ok": True, "stats": [[v, v], [v, v], [v, v]]})
    else:
        say({"ok": False, "error": "fake agent: no op %s%s" % (op, ESC if MODE == "escape" else "")})


for line in sys.stdin:
    try:
        req = json.loads(line)
    except ValueError:
        say({"ok": False, "error": "not JSON"})
        continue
    log(req)
    answer(req)
