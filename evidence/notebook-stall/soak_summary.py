"""Summarize evidence/notebook-stall/soak/log.jsonl per chapter and condition (the label in each run's tag):
runs, stalls (a cell reply delayed more than 5 s), errors, wall times, largest reply delay.

    python evidence/notebook-stall/soak_summary.py
"""
import collections, json
from pathlib import Path

LOG = Path(__file__).parent / "soak" / "log.jsonl"
groups = collections.defaultdict(list)
for line in LOG.read_text().splitlines():
    run = json.loads(line)
    _, chapter, rest = run["tag"].split("-", 2)
    label = rest.rsplit("-", 1)[0].removeprefix("jcache")
    delays = [c["reply_delay"] for c in run["cells"] if c["reply_delay"] is not None]
    groups[chapter, label].append((run["wall"], max(delays, default=0.0), run["error"] is not None))
totals = collections.Counter()
for (chapter, label), runs in sorted(groups.items()):
    stalls = sum(delay > 5 for _, delay, _ in runs)
    errors = sum(error for _, _, error in runs)
    walls = [wall for wall, _, _ in runs]
    totals[chapter] += len(runs)
    print(f"{chapter:>20} {label:>20}: {len(runs):>3} runs, stalls {stalls}, errors {errors}, "
          f"wall {min(walls):.1f}-{max(walls):.1f} s, max reply delay {max(d for _, d, _ in runs):.2f} s")
print("runs per chapter:", dict(totals))
