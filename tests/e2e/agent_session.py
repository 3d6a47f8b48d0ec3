# SPDX-License-Identifier: GPL-2.0
"""One side of the agent protocol for the e2e tests: an agent started as a child, requests
written to it, its answers read with a bound (a test that waits for ever is a defect)."""
import atexit
import json
import os
import select
import subprocess
import time

_started = []


@atexit.register
def _kill_left():
    """Agents still running when the test ends (it failed): told to end (SIGTERM: they
    clean up), killed if they do not; never left behind."""
    for a in _started:
        if a.p.poll() is None:
            a.p.terminate()
    for a in _started:
        try:
            a.p.wait(30)
        except subprocess.TimeoutExpired:
            a.p.kill()
            a.p.wait()


class Gone(Exception):
    """The agent ended, or did not answer within the bound."""


class Agent:
    def __init__(self, argv, stderr_path):
        self.err = open(stderr_path, "wb")
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=self.err)
        self.buf = b""
        _started.append(self)

    @property
    def pid(self):
        return self.p.pid

    def send(self, data):
        """Raw bytes (or a request object) to the agent's input."""
        if not isinstance(data, bytes):
            data = json.dumps(data).encode() + b"\n"
        self.p.stdin.write(data)
        self.p.stdin.flush()

    def line(self, bound=60):
        """The next line from the agent, as an object."""
        end = time.monotonic() + bound
        while b"\n" not in self.buf:
            left = end - time.monotonic()
            if left <= 0 or not select.select([self.p.stdout], [], [], left)[0]:
                raise Gone("no line from the agent within %d s" % bound)
            chunk = os.read(self.p.stdout.fileno(), 65536)
            if not chunk:
                raise Gone("the agent ended")
            self.buf += chunk
        l, self.buf = self.buf.split(b"\n", 1)
        return json.loads(l)

    def answer(self, bound=60):
        """The next answer, and the events before it."""
        events = []
        while True:
            o = self.line(bound)
            if "event" in o:
                events.append(o["event"])
            else:
                return o, events

    def ask(self, req, bound=60):
        self.send(req)
        return self.answer(bound)

    def close_input(self):
        self.p.stdin.close()

    def wait(self, bound=60):
        """The agent's exit status, once its input is closed."""
        if not self.p.stdin.closed:
            self.p.stdin.close()
        try:
            return self.p.wait(bound)
        finally:
            self.err.close()

    def kill(self):
        self.p.kill()
        self.p.wait()
        self.err.close()


HELLO = {"op": "hello", "version": 1}


def device(dev):
    return {"op": "device", "dev": dev}
