"""A hold for tests: an import that stops, for certain, after its writes and before its commit.

`KAFINEA_TEST_HOLD_AT=0.9:FILE` in the environment of the process running the import (the CLI
alone, or the workspace's owner serving the CLI) makes the import touch FILE and wait once it
reaches that fraction, so that a test can kill the process there and check that nothing of the
import was committed. Unset, it costs nothing.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path


def hold_for_tests() -> Callable[[float], None] | None:
    setting = os.environ.get("KAFINEA_TEST_HOLD_AT")
    if not setting:
        return None
    fraction, _, marker = setting.partition(":")

    def hold(done: float) -> None:
        if done >= float(fraction):
            Path(marker).touch()
            while True:
                time.sleep(0.05)

    return hold
