"""What the recipe-search benchmarks (`addition_heldout.py`, `multiply_validation.py`)
share: the options of their command line that are the same in both."""

import argparse
from pathlib import Path

from nee_lite.core.checkpoints import data_dir


def search_parser(
    doc: str, seeds: list[int], steps_help: str, record: str
) -> argparse.ArgumentParser:
    """A parser described by the first line of ``doc``, with ``--seeds`` (default
    ``seeds``), ``--steps`` (default None: the recipe's; ``steps_help`` says which),
    ``--workers`` (processes, default 1) and ``--out`` (default
    data/results/``record``); the benchmark adds its own options."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=seeds)
    parser.add_argument("--steps", type=int, default=None, help=steps_help)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--out", type=Path, default=data_dir() / "results" / record)
    return parser
