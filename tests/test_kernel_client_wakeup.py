"""The lost wake-up behind the 900 s stall, reproduced deterministically, and its fix
(_ext/).

A client socket waits for a reply (as nbclient waits for a cell's execute_reply); the
reply arrives; before the event loop looks, the client sends a message through
jupyter_client's Session (as nbclient's Output-widget mimic does while a cell draws into
``widgets.interactive``). Without the fix the waiter sleeps until its timeout; with it,
it wakes.
"""

import asyncio
import select
import sys
import time
from pathlib import Path

import zmq
import zmq.asyncio
from jupyter_client.session import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "_ext"))
import kernel_client_wakeup  # noqa: E402

WAIT = 3.0  # seconds the waiting poll allows (nbclient: the per-cell timeout)


async def seconds_until_the_waiter_sees_the_reply(send) -> tuple[float, int]:
    context = zmq.asyncio.Context()
    kernel, client = context.socket(zmq.ROUTER), context.socket(zmq.DEALER)
    try:
        port = kernel.bind_to_random_port("tcp://127.0.0.1")
        client.connect(f"tcp://127.0.0.1:{port}")
        session = Session(key=b"")
        await client.send_multipart([b"execute_request"])
        identity, _ = await kernel.recv_multipart()
        waiter = asyncio.ensure_future(
            client.poll(int(WAIT * 1000))
        )  # what shell_channel.get_msg(timeout) awaits
        await asyncio.sleep(0.1)  # the loop is parked in epoll on the client's zmq.FD
        assert not select.select([client.FD], [], [], 0)[0] and not waiter.done()
        kernel.send_multipart([identity, b"execute_reply"])
        deadline = time.monotonic() + 5
        while not select.select([client.FD], [], [], 0)[
            0
        ]:  # the reply's notification reaches the FD ...
            assert time.monotonic() < deadline, "the reply never arrived"
            time.sleep(0.001)
        started = time.monotonic()
        send(
            session, client, "comm_msg", {"comm_id": "0", "data": {"method": "update"}}
        )  # ... and a send takes it
        events = await asyncio.wait_for(waiter, WAIT + 5)
        return time.monotonic() - started, events
    finally:
        client.close(linger=0)
        kernel.close(linger=0)
        context.term()


def test_without_the_fix_a_send_swallows_the_wakeup_until_the_timeout():
    unpatched = getattr(Session.send, "__wrapped__", Session.send)
    waited, events = asyncio.run(seconds_until_the_waiter_sees_the_reply(unpatched))
    assert events == zmq.POLLIN and waited > WAIT - 0.5, f"woke after {waited:.2f} s"


def test_with_the_fix_the_waiter_wakes_at_once():
    kernel_client_wakeup.install()
    assert kernel_client_wakeup.installed()
    waited, events = asyncio.run(seconds_until_the_waiter_sees_the_reply(Session.send))
    assert events == zmq.POLLIN and waited < 0.5, f"woke after {waited:.2f} s"


def test_the_fix_is_installed_for_the_test_suite_and_the_book_build():
    import yaml

    root = Path(__file__).resolve().parent.parent
    assert kernel_client_wakeup.installed(), (
        "conftest.py installs it before nbmake executes a chapter"
    )
    extensions = yaml.safe_load((root / "_config.yml").read_text())["sphinx"][
        "local_extensions"
    ]
    assert (
        extensions.get("kernel_client_wakeup")
        == extensions.get("kernel_start_retry")
        == "_ext/"
    )
    import kernel_start_retry

    assert kernel_start_retry.installed(), "conftest.py installs it too"
