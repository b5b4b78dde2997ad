"""Per-cell execution times from notebooks executed with nbmake --overwrite (record_timing metadata)."""
import datetime as dt
import json
import sys
from pathlib import Path


def stamp(value):
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


rows = []
for path in sorted(Path(sys.argv[1]).glob("*.ipynb")):
    total = 0.0
    for index, cell in enumerate(json.loads(path.read_text())["cells"]):
        meta = cell.get("metadata", {}).get("execution", {})
        if "iopub.execute_input" in meta and "shell.execute_reply" in meta:
            seconds = stamp(meta["shell.execute_reply"]) - stamp(meta["iopub.execute_input"])
            total += seconds
            rows.append((seconds, path.name, index))
    print(f"{path.name:32} cells total {total:7.1f} s")
rows.sort(reverse=True)
print("slowest cells:")
for seconds, name, index in rows[: int(sys.argv[2]) if len(sys.argv) > 2 else 15]:
    print(f"  {seconds:7.1f} s  {name} cell {index}")
