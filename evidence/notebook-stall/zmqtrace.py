"""Trace what happens on the client's zmq.asyncio sockets: each pyzmq event-handling step, with whether the socket's
zmq.FD (the edge-triggered eventfd the asyncio loop waits on) was readable before and after it, and how many
receive futures (a pending poll or recv) were waiting. select() with timeout 0 does not consume the eventfd."""
from __future__ import annotations

import collections
import select
import time
import traceback

import zmq
import zmq._future as _future

TRACE: dict[int, collections.deque] = collections.defaultdict(lambda: collections.deque(maxlen=400))


def _readable(sock) -> bool | None:
    try:
        return bool(select.select([sock._fd], [], [], 0)[0])
    except Exception:
        return None


def _wrap(name):
    original = getattr(_future._AsyncSocket, name)

    def traced(self, *args, **kwargs):
        before, pending = _readable(self), len(self._recv_futures or [])
        result = original(self, *args, **kwargs)
        caller = traceback.extract_stack(limit=6)[:-1]
        where = " < ".join(f"{f.name}({f.filename.rsplit('/', 1)[-1]}:{f.lineno})" for f in reversed(caller[-4:]))
        kind = args[0] if name in ("_add_recv_event", "_add_send_event") and args else ""
        TRACE[id(self)].append((round(time.time(), 4), name, kind, before, _readable(self), pending,
                                len(self._recv_futures or []), self._state, where))
        return result

    setattr(_future._AsyncSocket, name, traced)


for _name in ("_add_recv_event", "_add_send_event", "_handle_events", "_handle_recv", "_schedule_remaining_events",
              "_add_io_state", "_drop_io_state"):
    _wrap(_name)


def trace_of(sock) -> list:
    return list(TRACE.get(id(sock), []))


# What the kernel client sends and receives, per channel (message type, its parent's type, time).
from jupyter_client import channels as _channels  # noqa: E402

MESSAGES: dict[int, collections.deque] = collections.defaultdict(lambda: collections.deque(maxlen=400))
_get_msg = _channels.AsyncZMQSocketChannel.get_msg
_send = _channels.ZMQSocketChannel.send


async def _traced_get_msg(self, timeout=None):
    try:
        msg = await _get_msg(self, timeout)
    except Exception as exc:
        MESSAGES[id(self.socket)].append((round(time.time(), 4), "get_msg raised", type(exc).__name__, timeout))
        raise
    MESSAGES[id(self.socket)].append((round(time.time(), 4), "recv", msg["msg_type"],
                                      msg.get("parent_header", {}).get("msg_type"),
                                      msg.get("header", {}).get("date").isoformat()
                                      if hasattr(msg.get("header", {}).get("date"), "isoformat") else None))
    return msg


def _traced_send(self, msg):
    MESSAGES[id(self.socket)].append((round(time.time(), 4), "send", msg["msg_type"],
                                      msg.get("content", {}).get("data", {}).get("method")))
    return _send(self, msg)


_channels.AsyncZMQSocketChannel.get_msg = _traced_get_msg
_channels.ZMQSocketChannel.send = _traced_send


def messages_of(sock) -> list:
    return list(MESSAGES.get(id(sock), []))
