"""A kernel whose port another process took dies at start-up; nbclient now starts a new
one (_ext/)."""

import atexit
import socket
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client.connect import LocalPortCache
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "_ext"))
import kernel_start_retry  # noqa: E402


def test_a_kernel_that_cannot_bind_its_port_is_restarted_with_new_ports(
    monkeypatch, tmp_path
):
    kernel_start_retry.install()
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()  # "another process" holds this port
    handed_out = []
    find = LocalPortCache.find_available_port

    def first_port_is_taken(self, ip):
        port = taken.getsockname()[1] if not handed_out else find(self, ip)
        handed_out.append(port)
        return port

    monkeypatch.setattr(LocalPortCache, "find_available_port", first_port_is_taken)
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("print(6 * 7)")]
    )
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    try:
        NotebookClient(notebook, timeout=60, startup_timeout=60).execute(
            cwd=str(tmp_path)
        )
    finally:
        taken.close()
    assert notebook.cells[0].outputs[0]["text"] == "42\n"
    assert (
        len(handed_out) >= 10
    )  # the dead kernel's five ports and the new kernel's five


def test_a_kernel_that_always_dies_still_fails(monkeypatch, tmp_path):
    kernel_start_retry.install()
    monkeypatch.setattr(kernel_start_retry, "ATTEMPTS", 2)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
    client = NotebookClient(
        notebook,
        timeout=30,
        startup_timeout=30,
        kernel_name="python3",
        extra_arguments=["--no-such-option-makes-the-kernel-exit"],
    )
    try:
        with pytest.raises(RuntimeError, match="Kernel died"):
            client.execute(cwd=str(tmp_path))
    finally:
        atexit.unregister(
            client._cleanup_kernel
        )  # nbclient's own clean-up would fail at exit: no kernel left
