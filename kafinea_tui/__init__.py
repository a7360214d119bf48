"""Kafinea TUI: move CRM data in and out from a terminal."""

import sys

__version__ = "0.1.0"

# `import httpx` imports its command-line client too (click, rich and pygments: ~50 ms of CPU,
# a quarter of a command run through the workspace's owner) whenever they are installed, and a
# stand-in when they are not. This program never runs that client: it takes the stand-in.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
