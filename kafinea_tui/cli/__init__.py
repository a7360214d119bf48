"""The `kafinea-tui` command line: `main` parses and dispatches, one module a subcommand.

A subcommand is `cli/<name>.py` with `register(subparsers)`, which adds its parser and sets
`handler(args, workspace) -> int`; the handler imports its engine when it runs, so building the
parser (and `--help`) loads neither the importer, the exporter nor the API.
"""

from kafinea_tui.cli.main import main

__all__ = ["main"]
