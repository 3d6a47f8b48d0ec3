#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A strict reader of Prometheus' text exposition format (0.0.4), for the tests.

promparse.py FILE|- [NAME{LABELS}=MIN ...] prints every sample as 'name{labels} value' and
fails (exit 1, the line and why) on anything the format does not allow: a sample before its
family's TYPE, a family split or declared twice, bad names, bad escapes, a counter without
_total, a duplicate series, a counter below zero. Each NAME{LABELS}=MIN argument requires
that series to be present with a value of at least MIN.
"""
import math
import re
import sys

NAME = re.compile(r'[a-zA-Z_:][a-zA-Z0-9_:]*')
LABEL = re.compile(r'[a-zA-Z_][a-zA-Z0-9_]*')


class Bad(Exception):
    pass


def unescape(s, quote):
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == '\\':
            if i + 1 == len(s):
                raise Bad('a lone backslash')
            n = s[i + 1]
            if n == '\\':
                out.append('\\')
            elif n == 'n':
                out.append('\n')
            elif n == '"' and quote:
                out.append('"')
            else:
                raise Bad('unknown escape \\' + n)
            i += 2
            continue
        if quote and c == '"':
            raise Bad('an unescaped quote')
        out.append(c)
        i += 1
    return ''.join(out)


def parse_labels(s):
    labels, i = {}, 0
    while i < len(s):
        m = LABEL.match(s, i)
        if not m or m.group(0).startswith('__'):
            raise Bad('bad label name at ' + repr(s[i:]))
        name = m.group(0)
        i = m.end()
        if s[i:i + 2] != '="':
            raise Bad('label %s: no ="' % name)
        i += 2
        j = i
        while j < len(s) and s[j] != '"':
            j += 2 if s[j] == '\\' else 1
        if j >= len(s):
            raise Bad('label %s: unterminated value' % name)
        if name in labels:
            raise Bad('label %s twice' % name)
        labels[name] = unescape(s[i:j], True)
        i = j + 1
        if i < len(s):
            if s[i] != ',':
                raise Bad('labels: expected , at ' + repr(s[i:]))
            i += 1
    return labels


def parse(text):
    fams, order, samples, seen = {}, [], {}, set()
    current = None
    if text and not text.endswith('\n'):
        raise Bad('the last line has no newline')
    for no, line in enumerate(text.split('\n')[:-1], 1):
        try:
            if not line.strip():
                continue
            if line.startswith('#'):
                parts = line.split(' ', 3)
                if len(parts) >= 3 and parts[1] in ('HELP', 'TYPE'):
                    name = parts[2]
                    if not NAME.fullmatch(name):
                        raise Bad('bad metric name ' + name)
                    f = fams.setdefault(name, {})
                    if parts[1] in f:
                        raise Bad('second %s for %s' % (parts[1], name))
                    if name in seen and current != name:
                        raise Bad('family %s split' % name)
                    if parts[1] == 'TYPE':
                        t = parts[3] if len(parts) > 3 else ''
                        if t not in ('counter', 'gauge', 'histogram', 'summary', 'untyped'):
                            raise Bad('bad type ' + t)
                        f['TYPE'] = t
                    else:
                        f['HELP'] = unescape(parts[3] if len(parts) > 3 else '', False)
                    if name not in order:
                        order.append(name)
                    current = name
                    seen.add(name)
                continue
            m = NAME.match(line)
            if not m:
                raise Bad('no metric name')
            name, rest = m.group(0), line[m.end():]
            labels = {}
            if rest.startswith('{'):
                end = rest.rfind('}')
                if end < 0:
                    raise Bad('unterminated labels')
                labels = parse_labels(rest[1:end])
                rest = rest[end + 1:]
            fields = rest.split()
            if not rest.startswith(' ') or len(fields) not in (1, 2):
                raise Bad('expected " VALUE [TIMESTAMP]"')
            v = fields[0]
            if v in ('NaN', '+Inf', '-Inf'):
                value = float(v.replace('Inf', 'inf'))
            else:
                if not re.fullmatch(r'[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?', v):
                    raise Bad('bad value ' + v)
                value = float(v)
            if name != current or 'TYPE' not in fams.get(name, {}):
                raise Bad('sample of %s outside its family (TYPE first, samples together)'
                          % name)
            t = fams[name]['TYPE']
            if t == 'counter' and (not name.endswith('_total') or value < 0 or
                                   math.isnan(value)):
                raise Bad('counter %s: needs _total and a value >= 0' % name)
            key = name + '{' + ','.join('%s="%s"' % (k, labels[k]) for k in sorted(labels)) + '}'
            if key in samples:
                raise Bad('duplicate series ' + key)
            samples[key] = value
        except Bad as e:
            raise Bad('line %d: %s: %s' % (no, e, line)) from None
    for name in order:
        if 'TYPE' not in fams[name] or 'HELP' not in fams[name]:
            raise Bad('family %s lacks HELP or TYPE' % name)
    return fams, samples


def main():
    path = sys.argv[1]
    text = sys.stdin.read() if path == '-' else open(path, encoding='utf-8').read()
    try:
        _, samples = parse(text)
    except Bad as e:
        print('promparse: %s' % e, file=sys.stderr)
        return 1
    for k, v in samples.items():
        print(k, v)
    for want in sys.argv[2:]:
        key, _, low = want.rpartition('=')
        if key not in samples:
            print('promparse: no series %s' % key, file=sys.stderr)
            return 1
        if samples[key] < float(low):
            print('promparse: %s is %g, below %s' % (key, samples[key], low), file=sys.stderr)
            return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
