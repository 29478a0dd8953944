#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Parse the KTAP documents a guest printed between the markers
"PT-KTAP-BEGIN <name>" and "PT-KTAP-END": KUnit's (tools/testing/guest/
kunit.sh), and those of every other tier, which /init makes of the checks
(tools/testing/guest/ktap.awk), with the kselftest-harness programs'
results nested as subtests (lib.sh's ktap_sub).  Lines for the host
("PT-QMP ...") may come anywhere and are not KTAP.

Every leaf result counts once: a parameterised case counts each of its
parameters.  A document that is not well-formed KTAP (missing header or
plan, plan and results disagreeing, results out of order, a truncated
log) counts as one failure, with the reason on stderr.  Prints
"PASSED FAILED SKIPPED" on stdout."""
import re
import sys

RESULT = re.compile(r'^(ok|not ok) (\d+)(?: (?:- )?(.*?))?(?:\s*# (SKIP|TODO|XFAIL)\b.*)?$')
PLAN = re.compile(r'^1\.\.(\d+)$')


class Malformed(Exception):
    pass


def indent_of(line):
    return len(line) - len(line.lstrip(' '))


def structural(lines, name):
    """Drop diagnostics: KUnit on 6.1 prints a failed expectation's details
    ("Expected ...") indented and without a leading "#", at any depth.  An
    unindented line that is not KTAP is noise and makes the document
    malformed."""
    kept = []
    for line in lines:
        text = line.strip()
        if text.startswith('PT-'):
            continue
        if not text or text.startswith('#') or text == 'KTAP version 1' or \
                PLAN.match(text) or RESULT.match(text):
            kept.append(line)
        elif indent_of(line) == 0:
            raise Malformed(f'{name}: not KTAP: "{text}"')
    return kept


def parse(lines, pos, depth, counts, name):
    """Parse one (sub)document whose lines are indented by `depth`, starting
    at lines[pos] == 'KTAP version 1'.  Returns the position after it."""
    if pos >= len(lines) or lines[pos].strip() != 'KTAP version 1' or \
            indent_of(lines[pos]) != depth:
        raise Malformed(f'{name}: expected "KTAP version 1" at depth {depth}')
    pos += 1
    plan = None
    plan_last = False
    expected = 1
    child_counts = None
    while pos < len(lines):
        line = lines[pos]
        ind = indent_of(line)
        text = line.strip()
        # Comments may come at any depth (KUnit puts a failed expectation's
        # header at the case's depth, amid its parameters' results).
        if not text or text.startswith('#'):
            pos += 1
            continue
        if ind < depth:
            break
        if ind > depth:
            if text == 'KTAP version 1':
                child_counts = [0, 0, 0]
                pos = parse(lines, pos, ind, child_counts, name)
                continue
            if text.startswith('#'):
                pos += 1
                continue
            raise Malformed(f'{name}: unexpected line "{text}"')
        if text.startswith('#'):
            pos += 1
            continue
        m = PLAN.match(text)
        if m:
            # First, or last (a document that counts as it goes).
            if plan is not None:
                raise Malformed(f'{name}: second plan "{text}"')
            plan = int(m.group(1))
            plan_last = expected != 1
            pos += 1
            continue
        m = RESULT.match(text)
        if not m:
            raise Malformed(f'{name}: unexpected line "{text}"')
        if plan is not None and plan_last:
            raise Malformed(f'{name}: result after the plan: "{text}"')
        if int(m.group(2)) != expected:
            raise Malformed(f'{name}: result {m.group(2)} where {expected} was due')
        expected += 1
        ok, skip = m.group(1) == 'ok', m.group(4) in ('SKIP', 'XFAIL')
        if child_counts is not None:
            # A parent: its children were counted; its own line must agree.
            if child_counts[1] and ok:
                raise Malformed(f'{name}: "{text}" passes with failed subtests')
            for i in range(3):
                counts[i] += child_counts[i]
            child_counts = None
        elif skip:
            counts[2] += 1
        elif ok:
            counts[0] += 1
        else:
            counts[1] += 1
            print(f'FAIL: {name}: {text}', file=sys.stderr)
        pos += 1
    if child_counts is not None:
        raise Malformed(f'{name}: subtest without a result line (truncated log?)')
    if plan is not None and expected - 1 != plan:
        raise Malformed(f'{name}: plan 1..{plan} but {expected - 1} results')
    if expected == 1:
        raise Malformed(f'{name}: no results')
    return pos


def main():
    total = [0, 0, 0]
    doc = None
    name = None
    for raw in sys.stdin.read().splitlines():
        raw = raw.rstrip('\r')
        if raw.startswith('PT-KTAP-BEGIN '):
            doc, name = [], raw.split(' ', 1)[1]
        elif raw == 'PT-KTAP-END' and doc is not None:
            counts = [0, 0, 0]
            try:
                doc = structural(doc, name)
                end = parse(doc, 0, 0, counts, name)
                if any(line.strip() for line in doc[end:]):
                    raise Malformed(f'{name}: trailing lines')
                for i in range(3):
                    total[i] += counts[i]
                print(f'{name}: {counts[0]} passed, '
                      f'{counts[1]} failed, {counts[2]} skipped', file=sys.stderr)
            except Malformed as e:
                print(f'FAIL: malformed KTAP: {e}', file=sys.stderr)
                total[1] += 1
            doc = None
        elif doc is not None:
            doc.append(raw)
    if doc is not None:
        print(f'FAIL: malformed KTAP: {name}: no end marker', file=sys.stderr)
        total[1] += 1
    print(*total)


if __name__ == '__main__':
    main()
