"""Evaluate a selection-sort NEE on list families at several lengths (closed loop, network alone).

Usage: python scratch17/evalsort.py CKPT_DIR_OR_FILE [--lengths 8,25,50,100,200,500] [--count 100] [--json OUT]
Families (test seed 777, never used in training):
  paper       nee_lite.lists.paper_test_lists (60 random + 40 small-difference)
  duplicates  nee_lite.lists.duplicate_lists (pools of 1-3 values within 8; one a among a+1/a+2)
  all-equal   every number the same
  near-ties   half: only a and a+1; half: consecutive run a, a+1, ... (wrapping the 0..255 range), shuffled
  extremes    only 0 and 255
  descending  random numbers sorted descending
"""
import argparse, json, sys, time
from pathlib import Path
import torch
sys.path.insert(0, str(Path(__file__).parent))
import variants
from nee_lite.lists import paper_test_lists, duplicate_lists, score_sorted
from nee_lite.device import tune_cpu

TEST_SEED = 777

def family(name, n, count):
    g = torch.Generator().manual_seed(TEST_SEED * 1009 + n * 7 + hash(name) % 1000 if False else TEST_SEED * 1009 + n * 7 + sum(map(ord, name)))
    if name == "paper":
        return paper_test_lists(n, count=count, seed=TEST_SEED)
    if name == "duplicates":
        return duplicate_lists(n, count=count, seed=TEST_SEED)
    if name == "all-equal":
        return torch.randint(256, (count, 1), generator=g).expand(count, n).clone()
    if name == "near-ties":
        rows = []
        for i in range(count):
            if i % 2 == 0:
                a = torch.randint(255, (1,), generator=g).item()
                rows.append(a + torch.randint(2, (n,), generator=g))
            else:
                a = torch.randint(256, (1,), generator=g).item()
                row = (a + torch.arange(n)) % 256 if n > 256 - a else a + torch.arange(n)
                if n <= 256 and a + n > 256:
                    row = 256 - n + torch.arange(n)
                rows.append(row[torch.randperm(n, generator=g)])
        return torch.stack(rows)
    if name == "extremes":
        return torch.randint(2, (count, n), generator=g) * 255
    if name == "descending":
        return torch.sort(torch.randint(256, (count, n), generator=g), dim=1, descending=True).values
    raise ValueError(name)

FAMILIES = ("paper", "duplicates", "all-equal", "near-ties", "extremes", "descending")

def evaluate(model, lengths, count, families=FAMILIES, count500=None, verbose=True, count200=None):
    rows = []
    for n in lengths:
        for name in families:
            c = count500 if (count500 and n >= 500) else count200 if (count200 and n == 200) else count
            lists = family(name, n, c)
            t = time.perf_counter()
            outs = []
            for s in range(0, len(lists), 100):
                outs += model.execute(lists[s:s+100]).outputs
            sc = score_sorted(outs, lists.tolist())
            row = {"family": name, "length": n, "lists": sc["lists"], "exact": sc["exact_match"], "per_element": sc["per_element"], "s": round(time.perf_counter() - t, 1)}
            rows.append(row)
            if verbose:
                print(json.dumps(row), flush=True)
    return rows

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("checkpoint")
    ap.add_argument("--lengths", default="8,25,50,100,200,500")
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--count500", type=int, default=None)
    ap.add_argument("--count200", type=int, default=None)
    ap.add_argument("--families", default=",".join(FAMILIES))
    ap.add_argument("--json")
    a = ap.parse_args()
    tune_cpu(threads=1)
    model = variants.load(a.checkpoint)
    torch.set_num_threads(1)
    rows = evaluate(model, [int(x) for x in a.lengths.split(",")], a.count, a.families.split(","), a.count500, count200=a.count200)
    if a.json:
        Path(a.json).write_text(json.dumps(rows, indent=0))
