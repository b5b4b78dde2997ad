"""Benchmark: execute every chapter listed in _toc.yml, as the book build does, and time
each one.

    python benchmarks/chapters.py [--out FILE] [--only NAME ...] [--list]

Writes JSON (default data/benchmarks/chapters_cpu.json): per notebook, the wall time of
a full execution in a fresh kernel. The budget is a few minutes per chapter and about 20
minutes for the whole book on a 2-core CPU.
"""

import argparse
import json
import time
from pathlib import Path

import nbformat
import yaml
from nbclient import NotebookClient

from nee_lite.results.store import benchmark_environment

ROOT = Path(__file__).resolve().parent.parent


def toc_notebooks() -> list[Path]:
    """The notebooks of _toc.yml, in reading order."""

    def walk(entries):
        for entry in entries:
            if "file" in entry and (ROOT / f"{entry['file']}.ipynb").exists():
                yield ROOT / f"{entry['file']}.ipynb"
            for key in ("parts", "chapters", "sections"):
                yield from walk(entry.get(key, []))

    return list(walk(yaml.safe_load((ROOT / "_toc.yml").read_text()).get("parts", [])))


def execute(path: Path) -> float:
    notebook = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    NotebookClient(
        notebook, timeout=900, resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=ROOT / "data" / "benchmarks" / "chapters_cpu.json"
    )
    parser.add_argument(
        "--only", nargs="*", default=None, help="chapter names (file stems) to run"
    )
    parser.add_argument(
        "--list", action="store_true", help="list the chapters and exit"
    )
    args = parser.parse_args()
    chapters = [p for p in toc_notebooks() if not args.only or p.stem in args.only]
    if args.list:
        print("\n".join(p.stem for p in chapters))
        return
    timings = {}
    for path in chapters:
        timings[path.stem] = round(execute(path), 1)
        print(f"{path.stem}: {timings[path.stem]} s", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "benchmark": "chapter execution wall time (s)",
                **benchmark_environment(),
                "chapters": timings,
                "total_s": round(sum(timings.values()), 1),
            },
            indent=2,
        )
        + "\n"
    )
    print(f"total {sum(timings.values()):.0f} s; wrote {args.out}")


if __name__ == "__main__":
    main()
