"""Multiplication over seeds with a candidate budget, on validation pairs carved from the training pairs (the test pairs are never read).

    python evidence/table2-collapse/multiply_validation.py WEIGHT_DECAY SEEDS OUT.json [STEPS]
"""
import json, sys, time
from dataclasses import replace
from nee_lite import NumberCodec
from nee_lite.core.device import tune_cpu
from nee_lite.engines.arithmetic import MULTIPLY, heldout_split, validation_split, train_arithmetic, evaluate_pairs
tune_cpu(threads=1)
wd, seeds, out = float(sys.argv[1]), [int(s) for s in sys.argv[2].split(",")], sys.argv[3]
steps = int(sys.argv[4]) if len(sys.argv) > 4 else MULTIPLY.train.steps
codec = NumberCodec(MULTIPLY.model.bits)
rows = []
for seed in seeds:
    split = heldout_split("multiply", codec, seed=seed)
    inner = validation_split(split, "multiply", codec, seed=seed)
    budget = replace(MULTIPLY.train, weight_decay=wd, seed=seed, steps=steps)
    t = time.process_time()
    model, _ = train_arithmetic(MULTIPLY.model, inner.train, budget)
    val = evaluate_pairs(model, inner.test)
    row = {"wd": wd, "steps": steps, "seed": seed, "phase": "validation", "fit": evaluate_pairs(model, inner.train)["accuracy"],
           "validation": val["accuracy"], "wrong": val["wrong"][:5], "cpu": round(time.process_time() - t, 1)}
    rows.append(row); print(row, flush=True)
    json.dump(rows, open(out, "w"), indent=1)
