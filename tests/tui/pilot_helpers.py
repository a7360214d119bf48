"""Helpers for driving the app with Textual's Pilot, shared by the app, dialog and snapshot tests."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from textual.command import CommandList
from textual.pilot import Pilot
from textual.widgets import Button, Input
from textual.worker import WorkerCancelled


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until every worker is done and its results are on screen (a worker's result may
    start another worker, so wait again until none runs, up to 50 rounds). A worker that
    dismisses its own screen is cancelled with it, sooner or later depending on the machine's
    load: that is its normal end here, and the test asserts on what it did."""
    for _ in range(50):
        with contextlib.suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.is_running for w in pilot.app.workers):
            return


async def fill_focused_input(pilot: Pilot[Any], text: str) -> None:
    """Put `text` in the focused Input, where typing would put it, in one change: a key press a
    character is a round trip through the app each. One test still types key by key
    (tests/tui/test_app_list.py, the quick search) so real typing stays covered."""
    field = pilot.app.focused
    assert isinstance(field, Input), f"no Input has the focus: {field!r}"
    field.value = text
    await pilot.pause()


async def press_button(pilot: Pilot[Any], selector: str) -> None:
    """Focus a button and press enter, as a keyboard user does, then let its work finish.
    A Button ignores a press while its 0.2 s "-active" effect from the previous press lasts
    (Textual's Button.action_press); a person's second press comes later than that, so wait
    it out, or on a fast machine the second press of a test would be dropped."""
    button = pilot.app.screen.query_one(selector, Button)
    button.focus()
    await pilot.pause()
    for _ in range(40):
        if not button.has_class("-active"):
            break
        await pilot.pause(0.02)
    await pilot.press("enter")
    await settle(pilot)


async def palette_searched(pilot: Pilot[Any]) -> None:
    """Wait until the command palette has searched what was typed (its search is a worker)
    and highlights its best hit, which enter runs; instead of a fixed pause, which a loaded
    machine may outlast and a quiet one wastes."""

    def searched() -> bool:
        if not all(worker.is_finished for worker in pilot.app.workers):
            return False
        hits = pilot.app.screen.query(CommandList)
        return bool(hits) and hits.first().highlighted is not None

    await settle(pilot)
    await until(pilot, searched, rounds=200)
    assert searched(), "the command palette showed no hit"


async def until(pilot: Pilot[Any], check: Callable[[], bool], rounds: int = 20) -> None:
    """Pause until `check()` holds, at most `rounds` times; the test asserts after it. For what
    Textual redraws after the next refresh rather than by a message (the Footer recomposes
    then), which a loaded machine makes later than `settle` returns."""
    for _ in range(rounds):
        if check():
            return
        await pilot.pause()
