"""The ``nee-lite`` command: train, evaluate and run the book's models from a shell.

Every failure the user can cause (a bad file, a number out of range, a missing
checkpoint) prints one line starting with ``nee-lite: error:`` and exits with code 2. A
traceback means a bug in nee_lite.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .. import __version__
from ..core.checkpoints import data_dir
from ..core.device import tune_cpu
from ..onnx_engines import export_all
from ..tasks.registry import (
    TASKS,
    evaluate_task,
    get_task,
    run_task,
    shipped_checkpoint,
    train_task,
)
from ..tasks.reproduce import entry_names, reproduce, resolve_device
from ..tasks.runs import QUICK_STEPS
from .inputs import UsageError, read_json_input

EXIT_USAGE = 2


class OneLineParser(argparse.ArgumentParser):
    """argparse, but errors are one line and exit code 2, like every other error
    here.
    """

    def error(self, message: str):  # noqa: D102 - argparse hook
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    task_list = "\n".join(
        f"  {name:<14} {task.summary}\n  {'':<14} input: {task.input_help}"
        for name, task in TASKS.items()
    )
    parser = OneLineParser(
        prog="nee-lite",
        description="Neural Execution Engines small enough to train on a laptop.",
        epilog=f"tasks:\n{task_list}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version", action="version", version=f"nee-lite {__version__}"
    )
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=OneLineParser
    )

    def task_command(name: str, help: str):
        """A command on one task."""
        command = commands.add_parser(name, help=help)
        command.add_argument("task", choices=list(TASKS), metavar="TASK")
        return command

    def checkpoint_option(command) -> None:
        command.add_argument(
            "--checkpoint",
            type=Path,
            default=None,
            help="checkpoint path without suffix",
        )

    train = task_command(
        "train", "train a task's model from scratch and save checkpoint + card"
    )
    train.add_argument(
        "--seed",
        type=int,
        default=0,
        help="random seed (default 0, the shipped checkpoint)",
    )
    train.add_argument(
        "--steps",
        type=int,
        default=None,
        help="training steps (default: the task's budget)",
    )
    train.add_argument(
        "--out",
        type=Path,
        default=None,
        help="folder for the checkpoint (default: data/checkpoints)",
    )
    train.add_argument(
        "--device",
        default="cpu",
        help="cpu (default: the shipped checkpoint, bit for bit), cuda, mps or auto",
    )

    checkpoint_option(
        task_command("evaluate", "print a trained model's accuracy table")
    )

    run = task_command("run", "run a trained model on your own input (JSON)")
    run.add_argument(
        "--input",
        required=True,
        help="JSON file, or - for standard input (see the task list)",
    )
    checkpoint_option(run)
    run.add_argument(
        "--bits",
        type=int,
        choices=(8, 16),
        default=None,
        help="dijkstra and prim: 16 takes weights and distances up to 65535 and graphs "
        "of up to 1000 nodes, on the 8-bit engines composed (default 8)",
    )

    export = commands.add_parser(
        "export", help="write the selection-sort, merge and add engines as ONNX models"
    )
    export.add_argument(
        "--out",
        type=Path,
        default=Path("onnx-models"),
        help="folder for the .onnx files and manifest.json (default: ./onnx-models)",
    )

    reproduce = commands.add_parser(
        "reproduce",
        help="train every model from scratch and measure every table the book "
        "reproduces",
        description="Train every model of the book from scratch and measure every "
        "table it reproduces; write "
        "OUT/results.json (default data/results.json; checkpoints into "
        "OUT/reproduced/). Naming tasks "
        "updates only their entries. Names: " + ", ".join(entry_names()) + ".",
    )
    reproduce.add_argument(
        "--tasks",
        nargs="+",
        metavar="NAME",
        default=None,
        help="tasks and experiments to reproduce (default: all)",
    )
    reproduce.add_argument(
        "--device",
        default="auto",
        help="auto (default: a GPU if there is one), cpu, cuda, mps",
    )
    reproduce.add_argument(
        "--quick",
        action="store_true",
        help=f"smoke test: {QUICK_STEPS} steps per model, small test sets, into a "
        "temporary "
        "folder (never into data/)",
    )
    reproduce.add_argument(
        "--out",
        type=Path,
        default=None,
        help="folder for results.json and the checkpoints",
    )
    reproduce.add_argument(
        "--seed",
        type=int,
        default=0,
        help="random seed (default 0, as the shipped models)",
    )
    reproduce.add_argument(
        "--seeds",
        type=int,
        nargs="+",
        default=None,
        metavar="SEED",
        help="seeds of the multi-seed tables (table-1; default 0 1 2 3 4)",
    )
    reproduce.add_argument(
        "--shipped",
        action="store_true",
        help="train nothing: measure the named tasks' shipped checkpoints "
        "(data/checkpoints), "
        "as nee-lite evaluate does",
    )
    return parser


def command_train(args) -> None:
    task = get_task(args.task)
    out = args.out or data_dir() / "checkpoints"
    if args.steps is not None and args.steps < 1:
        raise UsageError("--steps must be at least 1")
    device = resolve_device(args.device) if args.device != "cpu" else "cpu"
    card = train_task(
        task, Path(out), seed=args.seed, steps=args.steps, progress=True, device=device
    )
    print(
        json.dumps(
            {
                "checkpoint": str(Path(out) / args.task),
                "wall_time_s": card["wall_time_s"],
                "accuracy": card["accuracy"],
            },
            indent=2,
        )
    )


def command_evaluate(args) -> None:
    task = get_task(args.task)
    tune_cpu(
        threads=1
    )  # one thread and no denormals: the fastest CPU setting for these tiny models
    print(
        format_table(
            evaluate_task(task, args.checkpoint or shipped_checkpoint(args.task))
        )
    )


def command_run(args) -> None:
    task = get_task(args.task)
    data = read_json_input(args.input)
    tune_cpu(threads=1)
    print(
        json.dumps(
            run_task(
                task,
                args.checkpoint or shipped_checkpoint(args.task),
                data,
                bits=args.bits,
            )
        )
    )


def command_export(args) -> None:
    try:
        manifest = export_all(args.out)
    except OSError as error:
        raise UsageError(
            f"cannot write the ONNX files into {args.out}: {error.strerror or error}"
        ) from None
    for entry in manifest["models"].values():
        print(f"{args.out / entry['file']}  {entry['bytes']} bytes")


def command_reproduce(args) -> None:
    command = " ".join(
        [
            "nee-lite reproduce",
            *(["--tasks", *args.tasks] if args.tasks else []),
            f"--device {args.device}",
            *(["--quick"] if args.quick else []),
            *([f"--out {args.out}"] if args.out else []),
            *([f"--seed {args.seed}"] if args.seed else []),
            *(["--seeds", *map(str, args.seeds)] if args.seeds else []),
            *(["--shipped"] if args.shipped else []),
        ]
    )
    path = reproduce(
        args.tasks,
        device=args.device,
        quick=args.quick,
        out=args.out,
        seed=args.seed,
        command=command,
        seeds=args.seeds,
        shipped=args.shipped,
    )
    print(f"wrote {path}")


def format_table(rows: list[dict]) -> str:
    """A plain-text table of dict rows, columns in first-row order."""
    if not rows:
        return "(no rows)"
    columns = list(rows[0])
    cells = [[str(row.get(column, "")) for column in columns] for row in rows]
    widths = [
        max(len(column), *(len(row[i]) for row in cells))
        for i, column in enumerate(columns)
    ]
    lines = ["  ".join(column.ljust(width) for column, width in zip(columns, widths))]
    lines += [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths))
        for row in cells
    ]
    return "\n".join(lines)


COMMANDS = {
    "train": command_train,
    "evaluate": command_evaluate,
    "run": command_run,
    "export": command_export,
    "reproduce": command_reproduce,
}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return EXIT_USAGE
        COMMANDS[args.command](args)
    except (UsageError, ValueError) as error:
        print(f"nee-lite: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("nee-lite: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
