"""Fix for a lost wake-up in the notebook executor : a cell's reply arrives, nobody
notices until the timeout.

What happened. Executing a chapter, nbclient waits for each cell's ``execute_reply``
with ``await shell_channel.get_msg(timeout)``, a ``zmq.asyncio`` poll that sleeps until
the event loop sees the shell socket's ``zmq.FD`` become readable. That FD is
edge-triggered: any operation on the socket (a send, a poll, reading ``EVENTS``)
consumes the pending notification, and whoever does it must check ``EVENTS`` afterwards
and wake the waiters. pyzmq's asyncio socket does that after its own sends. But
jupyter_client's ``Session.send`` sends through a *synchronous shadow* of the asyncio
socket (``zmq.Socket.shadow(stream.underlying)``, jupyter_client 8.x), so the asyncio
socket never learns that the notification was consumed.

Who sends on the shell socket while a reply is awaited? nbclient itself: it mimics an
``ipywidgets.Output`` widget (``nbclient.output_widget.OutputWidget``), and every output
captured into one (``widgets.interactive`` draws its figure into an Output widget: the
chapters' step viewers) makes it send a ``comm_msg`` "update" on the shell channel, from
the task that reads IOPub, while the task that waits for the reply is parked in its
poll. When the kernel's reply lands between the event loop's last look at the FD and
that send, the send swallows the wake-up. The kernel has answered and sits idle, the
client sits idle in ``epoll_wait``, and at the timeout pyzmq's poll does a last
non-blocking check, finds the reply, and execution goes on as if nothing happened:
"Executed notebook in 922.23 seconds", "build succeeded" (900 s was the per-cell
timeout). CPU load widens the window, so it showed up on a busy machine. Upstream:
jupyter/jupyter_client#1059 (open), jupyter/nbclient#312 (open).

The fix. After ``Session.send`` has sent through the shadow of a ``zmq.asyncio`` socket,
do what pyzmq does after its own sends: check the socket's pending events and schedule
its handler if a message is waiting (``_schedule_remaining_events``). Only on the event
loop that owns the socket; elsewhere nothing changes.

Installed for the test suite by the repository's ``conftest.py`` (nbmake executes the
chapters in pytest's process) and for the book build as a Sphinx extension
(``_config.yml``, ``sphinx.local_extensions``: myst-nb executes the chapters in the
build's process). ``tests/test_kernel_client_wakeup.py`` reproduces the lost wake-up
deterministically and checks the fix. docs/notebook-executor.md says when to drop it.
"""

from __future__ import annotations

import asyncio
import functools

import zmq
import zmq.asyncio
from jupyter_client.session import Session

__all__ = ["install", "installed", "wake_waiters"]


def wake_waiters(socket: zmq.asyncio.Socket) -> None:
    """Let a ``zmq.asyncio`` socket notice a message whose FD notification a synchronous
    call consumed."""
    loop = getattr(socket, "_current_loop", None)
    if loop is None or socket.closed:
        return
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        return
    if running is loop:
        socket._schedule_remaining_events()


def installed() -> bool:
    return getattr(Session.send, "_wakes_asyncio_waiters", False)


def install() -> None:
    """Patch ``jupyter_client.session.Session.send`` (idempotent)."""
    if installed():
        return
    send = Session.send

    @functools.wraps(send)
    def send_and_wake(self, stream, *args, **kwargs):
        result = send(self, stream, *args, **kwargs)
        if isinstance(stream, zmq.asyncio.Socket):
            wake_waiters(stream)
        return result

    send_and_wake._wakes_asyncio_waiters = True
    Session.send = send_and_wake


def setup(app):
    """Sphinx extension: the book build executes the chapters in this process."""
    install()
    return {"parallel_read_safe": True, "parallel_write_safe": True}
