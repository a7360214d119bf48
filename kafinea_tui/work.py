"""How the app's thread workers report: typed Messages for results, one catch for failures.

A worker method is decorated `@work(thread=True, ...)` over `@reports`: its body computes and
posts a typed Message with the result (`post_message` is safe from a thread); when it raises,
`reports` is the one place that turns the failure into a `WorkFailed` message carrying a
sentence, never a traceback. The node handles `on_work_failed` (a failure no node handles
bubbles to the app, which shows it as a notification). A worker cancelled because a newer one
of its exclusive group started reports nothing: the newer query supersedes it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from textual.dom import DOMNode
from textual.message import Message
from textual.worker import NoActiveWorker, get_current_worker

from kafinea_tui.data.errors import KafineaError

P = ParamSpec("P")
R = TypeVar("R")
N = TypeVar("N", bound=DOMNode)


class WorkFailed(Message):
    """`work` (the worker method's name) failed with `error`, said as `sentence`; `call_args` are
    the arguments it ran with, so a node can tell a current request from a superseded one."""

    def __init__(
        self, work: str, sentence: str, error: BaseException, args: tuple[Any, ...]
    ) -> None:
        super().__init__()
        self.work = work
        self.sentence = sentence
        self.error = error
        self.call_args = args


class Progress(Message):
    """How far a long piece of work is, from 0.0 to 1.0."""

    def __init__(self, work: str, fraction: float) -> None:
        super().__init__()
        self.work = work
        self.fraction = max(0.0, min(fraction, 1.0))


def sentence(error: BaseException) -> str:
    """A failure as one sentence to show: the KafineaError's own, else a plain summary."""
    if isinstance(error, KafineaError):
        return error.on_screen()
    if isinstance(error, OSError):
        where = f" ({error.filename})" if error.filename else ""
        return f"Cannot use the file{where}: {error.strerror or error}."
    return f"Unexpected error: {error}"


def _cancelled() -> bool:
    try:
        return get_current_worker().is_cancelled
    # Called outside a worker: a test calling the method directly, or a thread of the data
    # layer's own (the export's progress watcher) reporting for the worker that started it.
    except (RuntimeError, NoActiveWorker):
        return False


def reports(method: Callable[Concatenate[N, P], R]) -> Callable[Concatenate[N, P], R | None]:
    """Run `method`; if it raises, post WorkFailed from its node instead (unless cancelled)."""

    @functools.wraps(method)
    def run(node: N, /, *args: P.args, **kwargs: P.kwargs) -> R | None:
        try:
            return method(node, *args, **kwargs)
        except Exception as error:  # the one place a worker's failure is caught
            if not _cancelled():
                node.post_message(WorkFailed(method.__name__, sentence(error), error, args))
            return None

    return run


def progress_reporter(node: DOMNode, work: str) -> Callable[[float], None]:
    """A progress callback for the data layer that posts Progress messages from `node`."""

    def report(fraction: float) -> None:
        if not _cancelled():
            node.post_message(Progress(work, fraction))

    return report
