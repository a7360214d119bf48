"""File line numbers of staged rows, so that a failed row is named by the line a person sees.

DuckDB numbers records, not lines: a quoted cell with line breaks, a blank line (skipped) or a
ragged row (kept aside) shifts every later line. The common file has none of these and its lines
are plain arithmetic; otherwise one sparse pass finds the multi-line records and a walk over
those few events gives each wanted row its line. Only failed rows are ever looked up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from kafinea_tui.data.importer.file.encoding import CHUNK_BYTES

_BLANK = re.compile(rb"\n(?=\r?\n)")


def blank_lines(path: Path | None) -> list[int]:
    """File line numbers of empty lines (DuckDB skips them): a streamed scan at C speed."""
    if path is None:
        return []
    found: list[int] = []
    line = 1
    carry = b""
    with path.open("rb") as handle:
        while True:
            chunk = handle.read(CHUNK_BYTES)
            if not chunk:
                break
            data = carry + chunk
            keep = max(len(data) - 2, 0) if len(chunk) == CHUNK_BYTES else len(data)
            start = 0
            for match in _BLANK.finditer(data):
                if match.start() >= keep:
                    break
                line += data.count(b"\n", start, match.start() + 1)
                start = match.start() + 1
                found.append(line)
            line += data.count(b"\n", start, keep)
            carry = data[keep:]
    return found


@dataclass
class LineMap:
    """What shifts lines in one staged file: its header, blank lines and rejected records.

    `reject_extra` maps a rejected record (DuckDB's count) to the line breaks inside it; `multi`
    (given to `walk`) maps a staged row to the line breaks inside its quoted cells.
    """

    header_lines: int
    header: bool
    path: Path
    reject_extra: dict[int, int] = field(default_factory=dict)
    blanks: list[int] | None = None
    skip: int = 0  # blank lines before the first record, which DuckDB's count includes

    def blank_lines(self) -> list[int]:
        if self.blanks is None:
            self.blanks = blank_lines(self.path)
        return self.blanks

    def plain(self) -> bool:
        """True when staged row r is on line header_lines + 1 + r (no event shifts it)."""
        return not self.blank_lines() and not self.reject_extra

    def walk(
        self, multi: dict[int, int], wanted: set[int], rejected: set[int]
    ) -> tuple[dict[int, int], dict[int, int]]:
        """(staged row -> line for `wanted`, rejected record -> line for `rejected`)."""
        line_start = self.header_lines + 1
        if not wanted and not rejected:
            return {}, {}
        blanks = set(self.blank_lines())
        if not multi and not blanks and not self.reject_extra:
            return {r: line_start + r for r in wanted}, {}
        last_good = max(wanted, default=-1)
        last_reject = max(rejected, default=-1)
        good_lines: dict[int, int] = {}
        reject_lines: dict[int, int] = {}
        line = line_start  # the file line where the next record starts
        # DuckDB's count of the record starting on `line`, which skips quoted breaks.
        record = self.skip + (2 if self.header else 1)
        good = 0
        while good <= last_good or record <= last_reject:
            if line in blanks:
                line += 1
                record += 1
            elif record in self.reject_extra:
                if record in rejected:
                    reject_lines[record] = line
                line += 1 + self.reject_extra[record]
                record += 1
            else:
                if good in wanted:
                    good_lines[good] = line
                line += 1 + multi.get(good, 0)
                record += 1
                good += 1
        return good_lines, reject_lines
