"""Candidate multiplication recipes on validation pairs carved from the training pairs (test pairs never read).

    python evidence/table2-collapse/multiply_candidates.py NAME SEEDS OUT.json
NAME is one of the candidates in multiply_rule2.md.
"""
import json, sys, time
from dataclasses import replace
from nee_lite import NumberCodec
from nee_lite.core.device import tune_cpu
from nee_lite.engines.arithmetic import MULTIPLY, heldout_split, validation_split, train_arithmetic, evaluate_pairs
tune_cpu(threads=1)
_FF512 = replace(MULTIPLY.model, ff=512)  # the recipe before multiply_rule2.md
CANDIDATES = {
    "base": (_FF512, MULTIPLY.train),
    "wd0.1": (_FF512, replace(MULTIPLY.train, weight_decay=0.1)),
    "wd1.0": (_FF512, replace(MULTIPLY.train, weight_decay=1.0)),
    "ff1024": (replace(MULTIPLY.model, ff=1024), MULTIPLY.train),  # = MULTIPLY since multiply_rule2.md
    "d64": (replace(_FF512, d_model=64), MULTIPLY.train),
    # multiply_rule3.md: one change each from the recipe with ff 1024
    "ff2048": (replace(MULTIPLY.model, ff=2048), MULTIPLY.train),
    "ff1024-24k": (replace(MULTIPLY.model, ff=1024), replace(MULTIPLY.train, steps=24000)),
    "ff1024-lr1e-3": (replace(MULTIPLY.model, ff=1024), replace(MULTIPLY.train, lr=1e-3)),
}
name, seeds, out = sys.argv[1], [int(s) for s in sys.argv[2].split(",")], sys.argv[3]
model_config, train_config = CANDIDATES[name]
codec = NumberCodec(model_config.bits)
rows = []
for seed in seeds:
    split = heldout_split("multiply", codec, seed=seed)
    inner = validation_split(split, "multiply", codec, seed=seed)
    t = time.process_time()
    model, _ = train_arithmetic(model_config, inner.train, replace(train_config, seed=seed))
    val = evaluate_pairs(model, inner.test)
    row = {"candidate": name, "seed": seed, "phase": "validation",
           "fit": evaluate_pairs(model, inner.train)["accuracy"], "validation": val["accuracy"],
           "wrong": val["wrong"][:5], "cpu": round(time.process_time() - t, 1)}
    rows.append(row); print(row, flush=True)
    json.dump(rows, open(out, "w"), indent=1)
