"""Exact match / per-element of checkpoints on the book's stored test sets, data/test_sets/sorting.json.
Usage: python scratch17/eval_testsets.py CKPT [CKPT ...]"""
import json, sys
from pathlib import Path
import torch
sys.path.insert(0, str(Path(__file__).parent))
import variants
from nee_lite.device import tune_cpu
from nee_lite.lists import score_sorted

sets = json.loads(Path("data/test_sets/sorting.json").read_text())
for path in sys.argv[1:]:
    model = variants.load(path)
    tune_cpu(1)
    rows = []
    for s in sets:
        lists = torch.tensor(s["lists"])
        sc = score_sorted(model.execute(lists).outputs, s["lists"])
        rows.append(f'{s["test"]}@{s["length"]}: {sc["exact_match"]:.2f}/{sc["per_element"]:.4f}')
    print(path, "all exact:", all(r.split(": ")[1].startswith("1.00/") for r in rows), "|", "; ".join(rows), flush=True)
