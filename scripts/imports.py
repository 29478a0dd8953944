#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The import graph of drivers/passthru, from the symbols of its objects.

    scripts/imports.py DIR [--dot]

DIR holds the module's .o files (a build of drivers/passthru).  File A
imports file B when A's object uses a symbol B's defines.  Prints each
file's imports, then every circle (a strongly connected component of more
than one file, or a file importing itself), and exits 1 if there is one.
With --dot, prints the graph for Graphviz instead.
"""
import glob
import os
import subprocess
import sys


def symbols(obj):
    out = subprocess.run(["nm", obj], check=True, capture_output=True,
                         text=True).stdout
    defined, used = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U":
            used.add(parts[1])
        elif len(parts) == 3 and parts[1] in "TDRB":
            defined.add(parts[2])
    return defined, used


def circles(graph):
    """Tarjan's strongly connected components with more than one node."""
    index, low, stack, on, found = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    objs = [o for o in sorted(glob.glob(os.path.join(sys.argv[1], "*.o")))
            if not o.endswith(".mod.o") and
            os.path.basename(o) != "passthru.o"]
    if not objs:
        sys.exit("no objects in " + sys.argv[1])
    owner, uses = {}, {}
    for o in objs:
        name = os.path.basename(o)[:-2] + ".c"
        defined, used = symbols(o)
        for s in defined:
            owner[s] = name
        uses[name] = used
    graph = {f: sorted({owner[s] for s in u if s in owner} - {f})
             for f, u in uses.items()}
    if "--dot" in sys.argv:
        print("digraph passthru {")
        for f, deps in sorted(graph.items()):
            for d in deps:
                print(f'  "{f}" -> "{d}";')
        print("}")
        return
    for f, deps in sorted(graph.items()):
        print(f"{f}: {' '.join(deps) or '-'}")
    found = circles(graph)
    for c in found:
        print("circle: " + " <-> ".join(c))
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
