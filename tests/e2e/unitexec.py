#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The command a systemd unit runs, as systemd would build it (for tests without systemd).

unitexec.py UNIT KEY INSTANCE prints, NUL-separated, the argv of the unit's one KEY line
(ExecStart, ExecStop, ExecStopPost...): its prefixes (-, @, +, !) dropped, %i/%I/%% replaced,
the [Service] Environment= and EnvironmentFile= variables expanded as systemd does ($VAR
splits into words, ${VAR} stays one). Anything it does not know (another specifier, quoting it
cannot read, two lines of the key) fails, so a test cannot run something else than the unit.
"""
import re
import shlex
import sys


def unescape_instance(s):
    # systemd-escape's reverse: '-' is '/', \xNN a byte
    s = s.replace('-', '/')
    return re.sub(r'\\x([0-9a-fA-F]{2})', lambda m: chr(int(m.group(1), 16)), s)


def specifiers(s, inst):
    def rep(m):
        c = m.group(1)
        if c == 'i':
            return inst
        if c == 'I':
            return unescape_instance(inst)
        if c == '%':
            return '%'
        raise SystemExit('unitexec: unsupported specifier %' + c)
    return re.sub(r'%(.)', rep, s)


def env_file(path, env):
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.strip()
            if not line or line[0] in '#;':
                continue
            k, sep, v = line.partition('=')
            if not sep or not re.fullmatch(r'[A-Za-z_][A-Za-z0-9_]*', k.strip()):
                raise SystemExit('unitexec: bad line in %s: %s' % (path, line))
            v = v.strip()
            if len(v) >= 2 and v[0] == v[-1] and v[0] in '"\'':
                v = v[1:-1]
            env[k.strip()] = v


def main():
    unit, key, inst = sys.argv[1:4]
    section, lines, env = None, [], {}
    with open(unit, encoding='utf-8') as f:
        for raw in f:
            line = raw.strip()
            if not line or line[0] in '#;':
                continue
            if line.startswith('['):
                section = line
                continue
            k, _, v = line.partition('=')
            k, v = k.strip(), v.strip()
            if section != '[Service]':
                continue
            if k == 'Environment':
                for a in shlex.split(specifiers(v, inst)):
                    n, _, val = a.partition('=')
                    env[n] = val
            elif k == 'EnvironmentFile':
                optional = v.startswith('-')
                path = specifiers(v.lstrip('-'), inst)
                try:
                    env_file(path, env)
                except FileNotFoundError:
                    if not optional:
                        raise
            elif k == key:
                lines.append(v)
    if len(lines) != 1:
        raise SystemExit('unitexec: %d %s lines in %s' % (len(lines), key, unit))
    cmd = lines[0].lstrip('-@+!')
    argv = []
    for word in shlex.split(specifiers(cmd, inst)):
        m = re.fullmatch(r'\$([A-Za-z_][A-Za-z0-9_]*)', word)
        if m:
            argv.extend(env.get(m.group(1), '').split())
            continue
        argv.append(re.sub(r'\$\{([A-Za-z_][A-Za-z0-9_]*)\}',
                           lambda m: env.get(m.group(1), ''), word))
    if not argv or not argv[0].startswith('/'):
        raise SystemExit('unitexec: %s is not an absolute command: %s' % (key, cmd))
    sys.stdout.write('\0'.join(argv) + '\0')


if __name__ == '__main__':
    main()
