import json, re, sys, collections
sys.path.insert(0, "/work/shared/eval")
from run_eval import norm
doc = norm(open("/work/shared/seed/poa-2024-mixco.txt", encoding="utf-8").read())
dev = {norm(json.loads(l)["q"]) for l in open("/work/shared/eval/questions-dev.jsonl") if l.strip()}
path = sys.argv[1] if len(sys.argv) > 1 else __file__.replace("validate_heldout.py", "questions-heldout.jsonl")
bad = 0; cats = collections.Counter(); seen=set()
for i, line in enumerate(open(path, encoding="utf-8"), 1):
    d = json.loads(line)
    assert set(d) <= {"q","must","must_not","abstain","abstain_or_greet"}, d
    assert isinstance(d["q"], str) and d["q"].strip()
    if norm(d["q"]) in dev: print("DUP OF DEV", i, d["q"]); bad += 1
    if norm(d["q"]) in seen: print("DUP", i, d["q"]); bad += 1
    seen.add(norm(d["q"]))
    if d.get("abstain"): cats["abstain"] += 1; continue
    if d.get("abstain_or_greet"): cats["greet"] += 1; continue
    assert d["must"] and 1 <= len(d["must"]) <= 2, d
    ALL8 = {"242177","276227","297669","299884","273703","206148","206213","287389"}
    zona_sin = set(d.get("must_not", [])) == ALL8 and len(d["must"]) == 1 and re.fullmatch(r"zona \d+", norm(d["must"][0]))
    for t in d["must"] + d.get("must_not", []):
        if zona_sin and t == d["must"][0]:
            continue  # zonas sin proyectos: "zona N" is meant to be echoed, not quoted from the document
        if norm(t) not in doc: print("NOT IN DOC", i, repr(t)); bad += 1
    for t in d["must"]:
        if norm(t) in [norm(x) for x in d.get("must_not", [])]: print("CONFLICT", i); bad+=1
    cats["must"] += 1
print(dict(cats), "total", sum(cats.values()), "bad", bad)
