"""Execute (the first cells of) a chapter repeatedly through the book build's own path and watch for stalls.

Path: jupyter_cache.executors.utils.single_nb_execution -> nbclient.NotebookClient (what myst-nb's "force"
mode calls), or nbmake's NotebookRun (what `pytest --nbmake` calls). For every cell it records when the kernel
sent its execute_reply (the reply's header date) and when the client got it. A gap of more than GAP seconds is a
stall: the reply was in the client's socket and the client's event loop did not wake up. While a cell runs longer
than WATCH seconds, a watchdog thread saves py-spy dumps of this process and of the kernel, and the open sockets.

usage: repro.py NOTEBOOK [--cells N] [--runs R] [--timeout T] [--path jcache|nbmake] [--out DIR]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import psutil

HERE = Path(__file__).resolve().parent
PYSPY = Path(sys.executable).parent / "py-spy"


def dump(out: Path, label: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    me = psutil.Process()
    pids = [me.pid] + [c.pid for c in me.children(recursive=True)]
    for pid in pids:
        try:
            name = " ".join(psutil.Process(pid).cmdline())[:200]
        except psutil.Error:
            continue
        result = subprocess.run([str(PYSPY), "dump", "--pid", str(pid), "--locals"], capture_output=True, text=True)
        (out / f"{label}-pyspy-{pid}.txt").write_text(f"# {name}\n{result.stdout}{result.stderr}")
    ss = subprocess.run(["ss", "-tanpe"], capture_output=True, text=True)
    (out / f"{label}-ss.txt").write_text(ss.stdout + ss.stderr)


def diagnose(out: Path, label: str) -> None:
    """The client's side of a stall: is the shell socket's FD readable, is it in the event loop's epoll set?"""
    import gc
    import select

    from nbclient import NotebookClient

    out.mkdir(parents=True, exist_ok=True)
    report = {}
    for client in [o for o in gc.get_objects() if isinstance(o, NotebookClient)]:
        kc = client.kc
        if kc is None:
            continue
        for name in ("shell", "iopub", "stdin", "control"):
            channel = getattr(kc, f"_{name}_channel", None)
            sock = getattr(channel, "socket", None)
            if sock is None:
                continue
            fd = sock._fd
            loop = sock._current_loop
            epoll_fd = loop._selector._selector.fileno() if loop is not None else None
            info = Path(f"/proc/self/fdinfo/{epoll_fd}").read_text() if epoll_fd is not None else ""
            registered = [line.split()[1] for line in info.splitlines() if line.startswith("tfd:")]
            key = loop._selector._fd_to_key.get(fd) if loop is not None else None
            readable = bool(select.select([fd], [], [], 0)[0])
            try:
                import zmqtrace
                trace = {"events": zmqtrace.trace_of(sock)[-120:], "messages": zmqtrace.messages_of(sock)[-60:]}
            except ImportError:
                trace = None
            report[name] = {"trace": trace, "fd": fd, "fd_target": os.readlink(f"/proc/self/fd/{fd}"),
                            "fd_readable_now": readable, "in_asyncio_selector_map": key is not None,
                            "asyncio_handler": repr(key.data) if key is not None else None,
                            "in_kernel_epoll_set": str(fd) in registered, "epoll_fd": epoll_fd,
                            "epoll_registered_fds": registered, "recv_futures": len(sock._recv_futures or []),
                            "io_state": sock._state, "loop_is_running": loop.is_running() if loop else None}
    report["fds"] = {entry.name: os.readlink(entry) for entry in Path("/proc/self/fd").iterdir()
                     if entry.exists() or entry.is_symlink()}
    (out / f"{label}-client-state.json").write_text(json.dumps(report, indent=1, default=str))


def run_once(path: Path, cells: int | None, timeout: int, mode: str, watch: float, out: Path, tag: str) -> dict:
    nb = nbformat.read(path, 4)
    if cells is not None:
        nb.cells = nb.cells[:cells]
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    state = {"cell": None, "since": time.monotonic(), "dumped": set()}
    received: dict[int, float] = {}
    stop = threading.Event()

    def watchdog():
        while not stop.wait(1.0):
            index, since = state["cell"], state["since"]
            if index is not None and time.monotonic() - since > watch and index not in state["dumped"]:
                state["dumped"].add(index)
                diagnose(out / f"{tag}-cell{index}", "during")
                dump(out / f"{tag}-cell{index}", "during")

    async def on_cell_start(cell, cell_index):
        state["cell"], state["since"] = cell_index, time.monotonic()

    async def on_cell_executed(cell, cell_index, execute_reply):
        received[cell_index] = time.time()
        state["cell"] = None

    thread = threading.Thread(target=watchdog, daemon=True)
    thread.start()
    started = time.monotonic()
    error = None
    try:
        if mode == "jcache":
            from jupyter_cache.executors.utils import single_nb_execution

            result = single_nb_execution(nb, cwd=str(path.parent), timeout=timeout, allow_errors=False,
                                         record_timing=True, on_cell_start=on_cell_start,
                                         on_cell_executed=on_cell_executed)
            error = repr(result.err) if result.err else None
        else:
            from nbclient import NotebookClient

            client = NotebookClient(nb, timeout=timeout, record_timing=True, on_cell_start=on_cell_start,
                                    on_cell_executed=on_cell_executed)
            client.execute(cwd=str(path.parent))
    except Exception as exc:  # a timeout or a dead kernel: record it and go on
        error = repr(exc)[:500]
    finally:
        stop.set()
    cells_out = []
    for index, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("execution", {})
        if cell.cell_type != "code" or "shell.execute_reply" not in meta:
            continue
        sent = dt.datetime.fromisoformat(meta["shell.execute_reply"].replace("Z", "+00:00")).timestamp()
        begun = dt.datetime.fromisoformat(meta["iopub.execute_input"].replace("Z", "+00:00")).timestamp() \
            if "iopub.execute_input" in meta else None
        got = received.get(index)
        cells_out.append({"cell": index, "kernel_seconds": None if begun is None else round(sent - begun, 2),
                          "reply_delay": None if got is None else round(got - sent, 2)})
    return {"tag": tag, "wall": round(time.monotonic() - started, 1), "error": error, "cells": cells_out}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--cells", type=int)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--timeout", type=int, default=120)
    parser.add_argument("--path", choices=["jcache", "nbmake"], default="jcache")
    parser.add_argument("--watch", type=float, default=60)
    parser.add_argument("--gap", type=float, default=5)
    parser.add_argument("--out", type=Path, default=HERE / "runs")
    parser.add_argument("--label", default="")
    parser.add_argument("--trace", action="store_true", help="trace pyzmq event handling on the client's sockets")
    parser.add_argument("--fix", action="store_true", help="install _ext/kernel_client_wakeup.py (the fix)")
    args = parser.parse_args()
    if args.fix:
        sys.path.insert(0, str(HERE.parent.parent / "_ext"))  # the repository's _ext/, as the book build
        import kernel_client_wakeup
        import kernel_start_retry

        kernel_client_wakeup.install()
        kernel_start_retry.install()
    if args.trace:
        sys.path.insert(0, str(HERE))
        import zmqtrace  # noqa: F401
    args.out.mkdir(parents=True, exist_ok=True)
    log = args.out / "log.jsonl"
    for run in range(args.runs):
        tag = f"{time.strftime('%H%M%S')}-{args.notebook.stem}-{args.path}{args.label}-{run}"
        record = run_once(args.notebook.resolve(), args.cells, args.timeout, args.path, args.watch, args.out, tag)
        record["stall"] = [c for c in record["cells"] if c["reply_delay"] is not None and c["reply_delay"] > args.gap]
        record["load"] = os.getloadavg()
        with log.open("a") as handle:
            handle.write(json.dumps(record) + "\n")
        slow = max((c["kernel_seconds"] or 0 for c in record["cells"]), default=0)
        print(f"{tag}: wall {record['wall']} s, slowest cell {slow} s, max reply delay "
              f"{max((c['reply_delay'] or 0 for c in record['cells']), default=0)} s, "
              f"stall {record['stall']}, error {record['error']}", flush=True)


if __name__ == "__main__":
    main()
