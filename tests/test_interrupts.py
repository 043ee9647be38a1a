"""Ctrl-C held back while a few statements run together."""

import os
import signal
import threading

import pytest

from vigil.interrupts import interrupts_held


def send_ctrl_c() -> None:
    os.kill(os.getpid(), signal.SIGINT)


def test_interrupt_raised_after_body() -> None:
    steps: list[str] = []
    with pytest.raises(KeyboardInterrupt), interrupts_held():
        send_ctrl_c()
        steps.append("after the signal")
    assert steps == ["after the signal"]


def test_handler_restored() -> None:
    before = signal.getsignal(signal.SIGINT)
    with interrupts_held():
        assert signal.getsignal(signal.SIGINT) is not before
    assert signal.getsignal(signal.SIGINT) is before


def test_no_signal_no_interrupt() -> None:
    with interrupts_held():
        value = 1
    assert value == 1


def test_ignored_signal_stays_ignored() -> None:
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with interrupts_held():
            send_ctrl_c()
    finally:
        signal.signal(signal.SIGINT, previous)


def test_body_on_other_thread_runs() -> None:
    steps: list[str] = []

    def body() -> None:
        with interrupts_held():
            steps.append("ran")

    thread = threading.Thread(target=body)
    thread.start()
    thread.join()
    assert steps == ["ran"]
