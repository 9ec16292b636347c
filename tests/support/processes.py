"""Child processes of a test or benchmark: they die with their parent, stop on SIGTERM, and get a
free port. Only the standard library is imported here, so that a benchmark can import this at
the top and add nothing to what it measures.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import socket
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> Callable[[], None]:
    """The ``preexec_fn`` that makes a child get SIGTERM when this process dies (Linux's
    ``PR_SET_PDEATHSIG``), so that a test or benchmark killed with SIGKILL leaves no bot
    processes serving; SIGTERM, so that the child still shuts down cleanly.

    It runs in the child between fork and exec, where little is safe: ``prctl`` is looked up
    here, in the parent, and the child only calls it. A parent that died before the child asked
    for the signal is noticed too: the child's parent is then no longer this process.
    """
    parent = os.getpid()
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # not Linux: the child outlives a killed parent
        prctl = None

    def in_child() -> None:
        if prctl is not None:
            prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:
            os.kill(os.getpid(), signal.SIGTERM)

    return in_child


async def stop_process(process: asyncio.subprocess.Process, timeout: float) -> int:  # noqa: ASYNC109
    """SIGTERM, then SIGKILL when the process has not exited after ``timeout`` seconds; its exit
    code."""
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
        try:
            async with asyncio.timeout(timeout):
                await process.wait()
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
    return await process.wait()


async def cancelled_by_sigterm(work: Awaitable[T]) -> T:
    """Await ``work`` with SIGTERM turned into cancellation, so that a benchmark told to stop
    still stops its child processes and drops its databases on the way out."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    assert task is not None
    with contextlib.suppress(NotImplementedError):
        loop.add_signal_handler(signal.SIGTERM, task.cancel)
    try:
        return await work
    finally:
        with contextlib.suppress(NotImplementedError):
            loop.remove_signal_handler(signal.SIGTERM)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
