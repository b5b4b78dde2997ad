"""Rewrite chapter "Learning arithmetic"'s Table 2 section for single engines over 5 seeds, once
`nee-lite reproduce --tasks addition-heldout` has written the new entry into data/results.json and
`python benchmarks/addition_heldout.py --counts 64 --seeds 0 1 --weight-decay 0.3 0.1` has written
data/results/addition_validation.json.

    python evidence/table2-collapse/chapter_table2.py AFTER_TABLE.md SUMMARY_BULLET.md ENGINE89_MIN

AFTER_TABLE.md: the prose under the table (what the measured numbers say; add the matching asserts to the
`cell-14` code cell by hand); SUMMARY_BULLET.md: the Summary's Table 2 bullet; ENGINE89_MIN: the asserted floor
for the live-trained 89-number engine. Then run `.venv/bin/pytest --nbmake book/arithmetic.ipynb`.
"""
import json
import sys

p = "book/arithmetic.ipynb"
nb = json.load(open(p))
AFTER_TABLE = open(sys.argv[1]).read()
SUMMARY_TABLE2 = open(sys.argv[2]).read().strip()
ENGINE89_MIN = sys.argv[3]


def src(text):
    lines = text.strip("\n").split("\n")
    return [line + "\n" for line in lines[:-1]] + [lines[-1]]


def md(cid, text):
    return {"cell_type": "markdown", "id": cid, "metadata": {}, "source": src(text)}


def code(cid, text):
    return {"cell_type": "code", "execution_count": None, "id": cid, "metadata": {}, "outputs": [],
            "source": src(text)}


cells = {c["id"]: c for c in nb["cells"]}


def set_cell(cid, text):
    cells[cid]["source"] = src(text)


TABLE_INTRO = """
Both settings fitted every training pair here. On the validation numbers, weight decay 0.1 added more pairs on
average and in the worse of the two seeds, though not in each (seed 1 did better with 0.3): two seeds and six
validation numbers each are thin evidence, and we say so. The rest of the budget is unchanged: 10,000 steps of 64
pairs. `nee-lite reproduce --tasks addition-heldout` trains the 35 engines (7 counts × 5 seeds, one per CPU core)
and writes `data/results.json`; the seed draws the allowed numbers, the initial weights and the batches. Per
count: the exact match on the pairs with a held-out number (mean, worst and best seed), the per-bit accuracy (mean
and worst seed), the worst fit of an engine's own training pairs and the training time per engine, beside the
paper's Table 2:
"""
CHECKS = '''
seconds = [run["train_seconds"] for run in runs]
print(f"training time per engine: mean {np.mean(seconds):.0f} s, "
      f"max {max(seconds):.0f} s ({len(runs)} engines, one CPU thread each)")
at_paper = [c for c in counts if table2[c]["min"] >= table2[c]["paper"]]
print("counts where the worst of the 5 seeds is at or above the paper:", at_paper)
# What the prose below says, checked on the table.
assert counts == list(PAPER_COUNTS) and all(table2[c]["seeds"] == 5 for c in counts)
assert entry["train"]["weight_decay"] == TABLE_2.train.weight_decay == 0.1
assert entry["train"]["steps"] == TABLE_2.train.steps
assert all(table2[c]["train_min"] == 1.0 for c in counts)  # every engine fitted
assert min(run["exact_match"] for run in runs) > 0.96  # no engine collapsed
assert all(table2[c]["min"] == 1.0 for c in (256, 224, 192))
assert all(0.997 < table2[c]["min"] < 1.0 for c in (128, 89))
assert table2[76]["mean"] > table2[76]["paper"] > table2[76]["min"] > 0.98
assert table2[64]["min"] > table2[64]["paper"] and table2[64]["mean"] > 0.98
assert min(table2[c]["bit_min"] for c in counts) > 0.995
'''

# imports
c = "".join(cells["cell-02"]["source"])
c = c.replace("""from nee_lite.engines.arithmetic import (ADD, MULTIPLY, apply, evaluate_pairs,
                                         heldout_split, train_arithmetic, valid_pairs)""",
"""from nee_lite.engines.arithmetic import (ADD, MULTIPLY, PAPER_COUNTS, TABLE_2, apply,
                                         evaluate_pairs, heldout_split,
                                         train_arithmetic, valid_pairs)""")
cells["cell-02"]["source"] = src(c)

c = "".join(cells["cell-09"]["source"])
old = """its weight decay and long training, is what pushes the engine from the first towards the second. We train one
engine here, with exactly that budget:"""
assert old in c, c
c = c.replace("""The shipped budget, with
its weight decay and long training, is what pushes the engine from the first towards the second. We train one
engine here, with exactly that budget:""", """Weight decay and long
training push the engine from the first towards the second. We train one engine here with the recipe of the
table below (the shipped shape and budget, with weight decay 0.1 instead of 0.3; the next section says why):""")
cells["cell-09"]["source"] = src(c)

c = "".join(cells["cell-10"]["source"])
c = c.replace("engine89, run89 = train_arithmetic(config, split89.train, budget)",
              "engine89, run89 = train_arithmetic(config, split89.train, TABLE_2.train)")
c = c.replace("""plot_history(run89.history""", """assert TABLE_2.model == ADD.model
assert TABLE_2.train == replace(budget, weight_decay=0.1)
assert result89["accuracy"] >= ENGINE89_MIN
plot_history(run89.history""")
cells["cell-10"]["source"] = src(c)


# ---- intro time
c = "".join(cells["cell-01"]["source"])
c = c.replace("""**Time:** about 15 minutes to read; about a minute (55 s of CPU time under nbmake) to execute on a laptop CPU (one addition engine trains
here; the multi-seed table and the multiplier are loaded from files).""",
"""**Time:** about 15 minutes to read; about a minute to execute on a laptop CPU (one addition engine
trains here; the multi-seed tables and the multiplier are loaded from files that `nee-lite reproduce` writes).""")
c = c.replace("- how far the bitwise embedding carries addition to numbers held out of training, measured over several seeds;",
"- how far the bitwise embedding carries addition to numbers held out of training: single engines, five seeds\n  per count, their mean and their worst;")
cells["cell-01"]["source"] = src(c)

set_cell("cell-11", """
## Single engines over five seeds: the paper's Table 2

The paper's Table 2 reports one engine per count of allowed numbers. We train the same: one engine per count and
seed, five seeds, and report the mean *and the worst* of the five, since a method should not depend on a lucky
seed. The recipe is the adder's shape and budget above with one change, weight decay 0.1 instead of 0.3. Why:


- **The diagnosis.** With weight decay 0.3, in this table's earlier run (3 seeds × 5 engines per count, the file
  `data/results/addition_heldout.json`, read below), two of fifteen engines on the full range got about half the
  unseen pairs wrong. Retrained alone (`evidence/table2-collapse/` in the repository), such an engine is as wrong
  on its *own training pairs*: it had not fitted them when the cosine schedule took the learning rate to zero, its
  loss still falling. That is under-fitting, not a failure to generalize. Weight decay pulls every weight towards
  zero at each step, and that slows fitting most where there is most to fit, the full range.
""")

VALIDATION = '''
validation_file = data_dir() / "results" / "addition_validation.json"
validation = json.loads(validation_file.read_text())
print(validation["command"])
print(f"{'decay':>6} {'numbers':>8} {'seeds':>6} {'valid. mean':>12} "
      f"{'valid. min':>11} {'fit min':>8}")
tuned = {(row["weight_decay"], row["count"]): row for row in validation["summary"]}
for (decay, count), row in tuned.items():
    print(f"{decay:>6} {count:>8} {row['seeds']:>6} {row['validation_mean']:>12.2%} "
          f"{row['validation_min']:>11.2%} {row['train_min']:>8.2%}")
by_seed = {(r["weight_decay"], r["seed"]): r["validation_exact_match"]
           for r in validation["runs"]}
low, high = tuned[0.1, 64], tuned[0.3, 64]
assert all(row["train_min"] == 1.0 for row in tuned.values())
assert low["validation_mean"] > high["validation_mean"]
assert low["validation_min"] > high["validation_min"]
assert by_seed[0.3, 1] > by_seed[0.1, 1]  # not better on every seed
'''
TABLE = '''
entry = read_results()["entries"]["addition-heldout"]  # data/results.json
assert entry["status"] == "measured" and not entry["quick"]
print(entry["command"], "on", entry["environment"]["device_name"])
table2 = {row["count"]: row for row in entry["rows"]}
runs = entry["runs"]
print(f"{'numbers':>8} {'mean':>8} {'min':>8} {'max':>8} {'bit mean':>9} "
      f"{'bit min':>8} {'fit min':>8} {'s/engine':>9} {'paper':>8}")
for c, row in table2.items():
    print(f"{c:>8} {row['mean']:>8.2%} {row['min']:>8.2%} {row['max']:>8.2%} "
          f"{row['bit_mean']:>9.3%} {row['bit_min']:>8.3%} {row['train_min']:>8.2%} "
          f"{row['train_seconds_mean']:>9.0f} {row['paper']:>8.2%}")
'''
PLOT = '''
counts = list(table2)
fig, ax = plt.subplots(figsize=(9, 4), layout="constrained")
x = np.arange(len(counts))
for run in runs:
    ax.scatter(counts.index(run["count"]), run["exact_match"], color=COLORS["seen"],
               alpha=0.6, s=14)
ax.plot(x, [table2[c]["mean"] for c in counts], "o-", color=COLORS["nee"],
        label="single engines, mean of 5 seeds (dots: each seed)")
ax.plot(x, [table2[c]["min"] for c in counts], "v:", color=COLORS["nee"],
        label="single engines, worst seed")
ax.plot(x, [table2[c]["paper"] for c in counts], "s--", color=COLORS["baseline"],
        label="paper, Table 2 (one engine)")
ax.set_xticks(x, [str(c) for c in counts])
ax.set_xlabel("numbers allowed as training operands (of 256)")
ax.set_ylabel("pairs with a held-out number exactly right")
ax.legend(loc="lower left", fontsize=8)
plt.show()
'''
COLLAPSE = '''
earlier = json.loads((data_dir() / "results" / "addition_heldout.json").read_text())
full_range = [a for run in earlier["runs"] if run["count"] == 256
              for a in run["member_accuracy"]]
collapsed = [round(a, 3) for a in full_range if a < 0.9]
print(f"weight decay {earlier['train']['weight_decay']}: {len(collapsed)} of "
      f"{len(full_range)} full-range engines below 90 %: {collapsed}")
assert earlier["train"]["weight_decay"] == 0.3 and len(full_range) == 15
assert len(collapsed) == 2 and all(0.4 < a < 0.6 for a in collapsed)
'''
CHOICE = """
The choice was made on validation numbers only. `benchmarks/addition_heldout.py` takes a split's *training*
numbers, sets 10 % of them aside as validation numbers (on the full range it would set aside 10 % of the training
pairs, both orders together), trains on the rest, and measures the pairs with a validation number; the held-out
numbers of Table 2 are never looked at. Weight decay 0.1 fits the full range where 0.3 had not (`evidence/table2-collapse/`); what needed checking is that
it adds unseen numbers at least as well as 0.3 where numbers are fewest, 64. The file the benchmark wrote:
"""
i11 = [c["id"] for c in nb["cells"]].index("cell-11")
nb["cells"].insert(i11 + 1, code("collapse", COLLAPSE))
nb["cells"].insert(i11 + 2, md("choice", CHOICE))
nb["cells"][nb["cells"].index(cells["cell-12"])] = code("cell-12", VALIDATION)
cells["cell-12"] = nb["cells"][[c["id"] for c in nb["cells"]].index("cell-12")]
i13 = [c["id"] for c in nb["cells"]].index("cell-13")
nb["cells"][i13] = md("cell-13", TABLE_INTRO)
nb["cells"].insert(i13 + 1, code("table-2", TABLE))
nb["cells"].insert(i13 + 2, code("table-2-plot", PLOT))
i14 = [c["id"] for c in nb["cells"]].index("cell-14")
nb["cells"][i14] = code("cell-14", CHECKS)
i15 = [c["id"] for c in nb["cells"]].index("cell-15")
nb["cells"][i15] = md("cell-15", AFTER_TABLE)

c = "".join(cells["cell-10"]["source"]).replace("ENGINE89_MIN", ENGINE89_MIN)
cells["cell-10"]["source"] = src(c)
i21 = [c["id"] for c in nb["cells"]].index("cell-21")
c = "".join(nb["cells"][i21]["source"])
a, b = c.index("- With numbers held out of training"), c.index("- The learned embeddings")
nb["cells"][i21]["source"] = src(c[:a] + SUMMARY_TABLE2 + "\n" + c[b:])
for line in (l for c in nb["cells"] if c["cell_type"] == "code" for l in "".join(c["source"]).split("\n")):
    assert len(line) <= 88, line
json.dump(nb, open(p, "w"), indent=1, ensure_ascii=False)
open(p, "a").write("\n")
