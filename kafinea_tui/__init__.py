"""Kafinea TUI: move CRM data in and out from a terminal."""

__version__ = "0.1.0"
