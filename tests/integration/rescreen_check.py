import csv, json, subprocess, sys
E, OLD, NEW, CUST, RS, DIFF = sys.argv[1:7]
TOL = float(sys.argv[7]) if len(sys.argv) > 7 else 0.05
import re
def ckey(eid, lst, name):
    # Entities without a number of their own are known by list and name
    # across versions (docs/lists-diff.md); their ids change.
    if re.fullmatch(r'[^:]+:[0-9]+', eid): return eid
    return lst + '|' + ' '.join(re.findall(r'[a-z0-9\x80-\uffff]+', name.lower()))
names = [r['name'] for r in csv.DictReader(open(CUST))]
dup = {OLD: {}, NEW: {}}
def full(data):
    p = subprocess.run([E, 'screen', '--data', data, '--limit', '100', '--min-score', '0.5', '-'],
                       input='\n'.join(names) + '\n', capture_output=True, text=True)
    out = [json.loads(l) for l in p.stdout.splitlines()]
    assert len(out) == len(names), (len(out), len(names))
    res = []
    for o in out:
        m = {}
        for h in o['hits']:
            k = ckey(h['entity_id'], h['list'], h['name'])
            m[k] = max(m.get(k, 0), h['score'])
            dup[data][k] = dup[data].get(k, set()) | {h['entity_id']}
        res.append(m)
    return res
old, new = full(OLD), full(NEW)
changed_ids = set()
for l in open(DIFF):
    j = json.loads(l)
    if 'change' in j:
        changed_ids.add(ckey(j['entity_id'], j['list'], j['name']))
brute = {}
for i, (o, n) in enumerate(zip(old, new)):
    row = i + 1
    for eid in set(o) | set(n):
        om, nm = o.get(eid, 0) >= 0.84, n.get(eid, 0) >= 0.84
        if not om and not nm: continue
        if om and not nm: k = 'hit_gone'
        elif nm and not om: k = 'new_hit'
        elif abs(o[eid] - n[eid]) >= 0.00005: k = 'score_changed'
        else: continue
        brute[(row, eid)] = (k, o.get(eid), n.get(eid))
resc = {}
for l in open(RS):
    j = json.loads(l)
    if j['change'] == 'hit_changed': continue
    resc[(j['row'], ckey(j['entity_id'], j['list'], j['entity_name']))] = (j['change'], j['old_score'], j['new_score'])
# Rows as the rescreen counts them: data row numbers start at 1.
agree = sum(1 for k in brute if k in resc and resc[k][0] == brute[k][0])
only_b = [(k, brute[k]) for k in brute if k not in resc or resc[k][0] != brute[k][0]]
only_r = [(k, resc[k]) for k in resc if k not in brute]
unexplained = []
drift = []
for k, (kind, os_, ns_) in only_b:
    if k[1] not in changed_ids:
        # an unchanged entity: score drift from token weights
        d = abs((os_ or 0.5) - (ns_ or 0.5))
        drift.append((k, kind, os_, ns_))
        if d is not None and d > TOL: unexplained.append(('drift>tol', k, kind, os_, ns_))

    elif len(dup[OLD].get(k[1], ())) > 1 or len(dup[NEW].get(k[1], ())) > 1:
        pass  # several entries of one name: their best score is compared
    else:
        unexplained.append(('missed', k, kind, os_, ns_))
extra = []
for k, (kind, os_, ns_) in only_r:
    if len(dup[OLD].get(k[1], ())) > 1 or len(dup[NEW].get(k[1], ())) > 1:
        continue  # one of several entries of one name changed
    extra.append((k, kind, os_, ns_))
    bo, bn = old[k[0]-1].get(k[1]), new[k[0]-1].get(k[1])
    if (bo is not None and os_ is not None and abs(bo - os_) >= 0.00005) or (bn is not None and ns_ is not None and abs(bn - ns_) >= 0.00005):
        unexplained.append(('score differs from full screen', k, kind, os_, ns_, bo, bn))
print(json.dumps({'rows': len(names), 'brute': len(brute), 'rescreen': len(resc), 'agree': agree,
                  'drift_unchanged': len(drift), 'max_drift': max([abs((d[2] or 0)-(d[3] or 0)) for d in drift] or [0]),
                  'rescreen_only': len(extra), 'unexplained': len(unexplained), 'tolerance': TOL}))
for u in unexplained[:20]: print('UNEXPLAINED', u, file=sys.stderr)
for x in extra[:20]: print('RESCREEN-ONLY', x, file=sys.stderr)
for x in drift[:5]: print('DRIFT', x, file=sys.stderr)
sys.exit(1 if unexplained else 0)
