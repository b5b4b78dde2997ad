"""Ablation tables from runs/VARIANT/sSEED/{eval.json, selection-sort.json}.
Usage: [RUNS=scratch17/results] python scratch17/summarize.py VARIANT [VARIANT ...]  (prints markdown)"""
import json, sys
from pathlib import Path

import os
ROOT = os.environ.get("RUNS", "runs")  # or scratch17/results (cards saved as card.json there)
FAM = ("paper", "duplicates", "all-equal", "near-ties", "extremes", "descending")
def pct(x): return f"{100*x:.0f}" if x in (0, 1) else f"{100*x:.1f}"

print("### Summary: worst family exact match per length (lists per family in brackets), training wall time\n")
print("| variant | seed | params | train wall s (CPU s) | " + " | ".join(f"n={n}" for n in (8, 25, 50, 100, 200, 500)) + " | goal met |")
print("|---|---|---|---|" + "---|" * 7)
details = []
for v in sys.argv[1:]:
    for d in sorted(Path(ROOT, v).glob("s*"), key=lambda p: int(p.name[1:])):
        if not (d / "eval.json").exists():
            continue
        rows = json.loads((d / "eval.json").read_text())
        card = json.loads((d / "selection-sort.json" if (d / "selection-sort.json").exists() else d / "card.json").read_text())
        cells, ok, missing = [], True, False
        for n in (8, 25, 50, 100, 200, 500):
            r = [x for x in rows if x["length"] == n]
            if not r:
                cells.append("-"); missing = True; continue
            worst = min(r, key=lambda x: x["exact"])
            cells.append(f"{pct(worst['exact'])} ({worst['family']}, {worst['lists']})" if worst["exact"] < 1 else f"100 ({r[0]['lists']})")
            need = 1.0 if n <= 100 else 0.99
            ok &= all(x["exact"] >= need - 1e-9 for x in r) and len(r) == len(FAM)
        print(f"| {v} | {card['seed']} | {card['parameters']} | {card['wall_time_s']} ({card.get('cpu_time_s')}) | " + " | ".join(cells) + f" | {('yes' if ok else 'no') + (' (not run at 500)' if missing else '')} |")
        details.append((v, card["seed"], rows))

print("\n### Detail: exact match % / per-element % per family\n")
print("| variant | seed | n | " + " | ".join(FAM) + " |")
print("|---|---|---|" + "---|" * len(FAM))
for v, s, rows in details:
    for n in (8, 25, 50, 100, 200, 500):
        r = {x["family"]: x for x in rows if x["length"] == n}
        if r:
            print(f"| {v} | {s} | {n} | " + " | ".join(
                f"{pct(r[f]['exact'])} / {pct(r[f]['per_element'])}" if f in r else "-" for f in FAM) + " |")
