"""Retrain one Table 2 engine alone and print its loss curve, its exact match on its own training pairs and on
its test pairs. Usage: python evidence/table2-collapse/retrain.py COUNT SPLIT_SEED TRAIN_SEED [TRAIN_CHANGES_JSON]
(e.g. 256 2 2002 '{"weight_decay": 0.1}'). The shape and budget are ADD's unless changed."""
import sys, torch, time, json
from dataclasses import replace
from nee_lite.core.device import tune_cpu
from nee_lite.core.encoding import NumberCodec
from nee_lite.engines.arithmetic import *
tune_cpu(threads=1)
count, seed, tseed = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
changes = json.loads(sys.argv[4]) if len(sys.argv) > 4 else {}
mchanges = json.loads(sys.argv[5]) if len(sys.argv) > 5 else {}
codec = NumberCodec(8)
split = heldout_split("add", codec, count=count, seed=seed)
cfg = replace(ADD.model, **mchanges)
tc = replace(ADD.train, seed=tseed, **changes)
t=time.time()
model, res = train_arithmetic(cfg, split.train, tc)
print("time", round(time.time()-t,1))
for h in res.history[::max(1,len(res.history)//25)]: print({k: round(v,4) if isinstance(v,float) else v for k,v in h.items()})
tr = evaluate_pairs(model, split.train); te = evaluate_pairs(model, split.test)
print("train", tr["accuracy"], tr["bit_accuracy"], tr["wrong"][:5])
print("test", te["accuracy"], te["bit_accuracy"], te["wrong"][:5])
