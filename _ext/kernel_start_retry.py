"""Retry a kernel that died at start-up because another process took one of its ports.

jupyter_client chooses a kernel's five ports by binding port 0 and closing the socket,
writes them into the connection file, and starts the kernel, which binds them a second
or more later (more on a busy machine). Another process starting a kernel in that window
can be handed the same port by the operating system. The kernel that binds second dies
at once ("ZMQError: Address already in use") and nbclient raises "Kernel died before
replying to kernel_info". Seen here once in about 20 kernel pairs started in the same
second; it is a fast failure, not the stall of kernel_client_wakeup.py
(docs/notebook-executor.md), but it fails a test or a build at random when two builds or
test runs share a machine. jupyter_client's LocalPortCache prevents it only within one
process.

The fix: when the kernel client's start-up fails that way, start a new kernel (new
ports, new connection file) with the same arguments, up to ``ATTEMPTS`` times in all. A
kernel that dies for another reason dies again and the error is raised as before.
Installed with kernel_client_wakeup (conftest.py, _config.yml).
"""

from __future__ import annotations

import functools

from nbclient import NotebookClient

__all__ = ["install", "installed", "ATTEMPTS"]

ATTEMPTS = 3
DIED = "Kernel died before replying to kernel_info"


def installed() -> bool:
    return getattr(
        NotebookClient.async_start_new_kernel_client, "_retries_dead_kernels", False
    )


def install() -> None:
    """Patch nbclient.NotebookClient's kernel start-up (idempotent)."""
    if installed():
        return
    start_kernel = NotebookClient.async_start_new_kernel
    start_client = NotebookClient.async_start_new_kernel_client

    @functools.wraps(start_kernel)
    async def start_kernel_remembering_arguments(self, **kwargs):
        self._kernel_start_arguments = dict(kwargs)
        return await start_kernel(self, **kwargs)

    @functools.wraps(start_client)
    async def start_client_retrying(self):
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return await start_client(self)
            except RuntimeError as error:
                if (
                    DIED not in str(error)
                    or attempt == ATTEMPTS
                    or not hasattr(self, "_kernel_start_arguments")
                ):
                    raise
                self.log.warning(
                    "%s (attempt %d of %d; a port taken by another process?): "
                    "starting a new kernel",
                    DIED,
                    attempt,
                    ATTEMPTS,
                )
                # nbclient has shut the dead kernel down and dropped its manager; a new
                # one picks new ports.
                if self.km is None:
                    self.km = self.create_kernel_manager()
                await start_kernel(self, **self._kernel_start_arguments)

    start_client_retrying._retries_dead_kernels = True
    NotebookClient.async_start_new_kernel = start_kernel_remembering_arguments
    NotebookClient.async_start_new_kernel_client = start_client_retrying


def setup(app):
    """Sphinx extension: the book build starts its kernels in this process."""
    install()
    return {"parallel_read_safe": True, "parallel_write_safe": True}
