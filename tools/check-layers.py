#!/usr/bin/python3
"""check-layers.py OBJECT... - the library's files call each other without
cycles, and each layer only calls down: the core (fake/core) calls nothing
above it, the fake (fake/double) only the core, the server (fake/server)
the fake and the core; the real backend (fake/aws) only the core: it
stands beside the fake, never on it.

Reads the defined and undefined symbols of each object (BUILD/obj/LAYER/
FILE.o) with nm; prints each cycle or upward call and exits 1 if there is
any."""
import subprocess, sys, os

layers = ['core', 'double', 'server']  # bottom up
# Beside the layers: each may call only the layers listed.
beside = {'aws': ['core']}
defined, used = {}, {}
for obj in sys.argv[1:]:
    layer = os.path.basename(os.path.dirname(obj))
    if layer not in layers and layer not in beside:
        sys.exit(f'check-layers: {obj} is in no layer ({", ".join(layers + list(beside))})')
    name = layer + '/' + os.path.basename(obj)[:-2] + '.c'
    out = subprocess.run(['nm', obj], capture_output=True, text=True, check=True).stdout
    defined[name], used[name] = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in 'TDBR':
            defined[name].add(parts[2])
        elif len(parts) == 2 and parts[0] == 'U':
            used[name].add(parts[1])
owner = {sym: f for f, syms in defined.items() for sym in syms}
calls = {f: sorted({owner[s] for s in used[f] if s in owner and owner[s] != f}) for f in defined}

def may_call(caller, callee):
    if caller == callee:
        return True
    if caller in beside:
        return callee in beside[caller]
    return callee in layers and layers.index(callee) <= layers.index(caller)

problems = []
for f, targets in calls.items():
    for t in targets:
        if not may_call(f.split('/')[0], t.split('/')[0]):
            problems.append(f'{f} calls up into {t}' if t.split('/')[0] in layers
                            else f'{f} calls across into {t}')

# Cycles: depth-first search over the file graph.
state, stack = {}, []
def visit(f):
    state[f] = 'open'
    stack.append(f)
    for t in calls[f]:
        if state.get(t) == 'open':
            problems.append('cycle: ' + ' -> '.join(stack[stack.index(t):] + [t]))
        elif t not in state:
            visit(t)
    stack.pop()
    state[f] = 'done'
for f in sorted(calls):
    if f not in state:
        visit(f)

for p in problems:
    print('check-layers:', p, file=sys.stderr)
if problems:
    sys.exit(1)
print(f'check-layers: {len(calls)} library files, no cycle, no call up a layer')
