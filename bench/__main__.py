"""Run every `bench/bench_*.py` (or those named on the command line) and print their figures.

Each benchmark module has `run(data_dir: Path) -> None`, prints its own lines, and compares
against plain DuckDB (or a bare Textual app) on the same data in the same run. Set
BENCH_ROWS to scale the data down for a quick look (default 1,000,000).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

DATA_DIR = Path(__file__).parent / ".data"


def main(names: list[str]) -> int:
    DATA_DIR.mkdir(exist_ok=True)
    found = sorted(p.stem for p in Path(__file__).parent.glob("bench_*.py"))
    chosen = [n for n in found if not names or any(part in n for part in names)]
    for name in chosen:
        print(f"== {name}", flush=True)
        importlib.import_module(f"bench.{name}").run(DATA_DIR)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
