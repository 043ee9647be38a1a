"""Holding back Ctrl-C while a few statements must run together."""

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


@contextmanager
def interrupts_held() -> Iterator[None]:
    """Run the body without a KeyboardInterrupt, and raise the one held back after.

    A SIGINT that arrives while the body runs is kept and handed to the
    handler that was in place before, once the body is done, so that state
    that the body updates in several steps is never left half updated. Off
    the main thread, where Python cannot change signal handlers, the body
    runs as it is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def hold(number: int, _frame: FrameType | None) -> None:
        received.append(number)

    previous = signal.signal(signal.SIGINT, hold)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if received and callable(previous):
            previous(received[0], None)
