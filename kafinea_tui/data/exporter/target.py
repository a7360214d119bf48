"""The file an export writes, whatever its format: the target checked before any work, a
temporary file beside it (renamed over it at the end, so a failed export leaves nothing), and
an OSError as one sentence. `run` (CSV) and `xlsx` both use these. A target that is not a
regular file (`/dev/null`, a named pipe) is written into as a stream instead (special_files)."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kafinea_tui.data.errors import KafineaError, UsageError

CHUNK = 4 * 1024 * 1024
# Files we create get the usual permissions (mkstemp makes them private); read once at import.
_UMASK = os.umask(0o022)
os.umask(_UMASK)

Progress = Callable[[float], None]
CANCELLED = "The export was cancelled: no file was written (an existing one is as it was)."


@dataclass(frozen=True)
class ExportResult:
    path: Path | None  # None when written to a stream (standard output)
    count: int  # records exported (sales orders, not their item lines)


def temp_file(directory: Path, temporary: list[Path]) -> Path:
    handle, name = tempfile.mkstemp(prefix=".kafinea-export-", suffix=".part", dir=directory)
    os.close(handle)
    path = Path(name)
    os.chmod(path, 0o666 & ~_UMASK)
    temporary.append(path)
    return path


def check_target(target: Path) -> Path:
    path = target.expanduser()
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give the name of the file to write.")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise KafineaError(f"Cannot write {path}: the folder {parent} does not exist.")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise KafineaError(f"Cannot write {path}: permission denied.")
    return path


def os_error(error: OSError, path: Path | None) -> KafineaError:
    where = str(path) if path is not None else "the export"
    if error.errno == errno.ENOSPC:
        return KafineaError(f"The disk is full: {where} was not written.")
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return KafineaError(f"Cannot write {where}: permission denied.")
    return KafineaError(f"Cannot write {where}: {error.strerror or error}.")
