"""An import through a server: the file on this machine streamed to `POST /{module}/import`.

The plan goes as the import route's parameters (`arguments.plan_params`, the CLI's words), so
the server builds the same plan again and runs the same importer; the report comes back with
its details (the file's columns, the failed rows' cells), so the wizard shows and saves the
failed rows as it does locally. Progress is the upload's share of the file, on the first half
of the bar; the second half is the server's work, which says nothing until its report.

Stopping: the request has a connection of its own, which a cancellation shuts down (`Hangup`);
the server, seeing its client gone, rolls the import back. So a stopped import writes nothing,
as locally.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from kafinea_tui.arguments import plan_params
from kafinea_tui.backend.hangup import Hangup
from kafinea_tui.data.cancel import Cancellation, Progress
from kafinea_tui.data.errors import KafineaError
from kafinea_tui.data.importer.plan import ImportPlan, ImportReport
from kafinea_tui.data.importer.run import cancelled_sentence
from kafinea_tui.data.importer.undo import BatchInfo
from kafinea_tui.sync.client import SPREADSHEETS, Client
from kafinea_tui.sync.client.calls import Params

UPLOAD_SHARE = 0.5  # of the progress bar: the rest is the server's import
CHUNK = 256 * 1024
# Over a workspace's socket, the owner logs the import with the source `import`, as the
# wizard's import on the workspace itself is logged (ignored over TCP, where tokens decide).
SOURCE_HEADERS = {"Kafinea-Client": "cli"}


def import_file(
    client: Client,
    plan: ImportPlan,
    dry_run: bool,
    progress: Progress | None,
    cancellation: Cancellation,
) -> ImportReport:
    """Post `plan.csv.path` with the plan; the server's report. `client` should be one of
    its own (a fresh connection) for a cancellation to reach the wait for the answer."""
    path = plan.csv.path.expanduser()
    try:
        size = path.stat().st_size
        handle = path.open("rb")
    except OSError as error:
        raise KafineaError(f"Cannot read {path}: {error.strerror or error}.") from None
    params: Params = [("filename", str(path)), ("details", "true"), *plan_params(plan, dry_run)]
    kind = SPREADSHEETS.get(path.suffix.lower(), "text/csv")
    hangup = Hangup()
    with handle, cancellation.watching(hangup, cancelled_sentence(dry_run)):
        data = client.post_import(
            plan.module,
            _uploaded(handle, size, progress, cancellation),
            kind,
            params,
            headers=SOURCE_HEADERS,
            extensions=hangup.extensions,
        )
    if progress is not None:
        progress(1.0)
    return ImportReport.from_dict(data)


def _uploaded(
    handle: IO[bytes], size: int, progress: Progress | None, cancellation: Cancellation
) -> Iterator[bytes]:
    """The file in chunks, the bar moving with the bytes sent; a cancellation ends it."""
    sent = 0
    while chunk := handle.read(CHUNK):
        cancellation.check()
        yield chunk
        sent += len(chunk)
        if progress is not None and size:
            progress(UPLOAD_SHARE * min(1.0, sent / size))


def last_batch(batches: Sequence[BatchInfo]) -> int:
    """The newest batch's id (0 for none): what a stopped import compares with."""
    return max((batch.id for batch in batches), default=0)


def stopped_too_late(batches: Sequence[BatchInfo], after: int, path: Path) -> KafineaError | None:
    """A Stop that reached the server after its commit (while the report was on its way) does
    not undo the import: the batch the server made of `path` since batch `after`, said, so the
    user is not told that nothing was imported; None when there is none."""
    name = str(path.expanduser())
    late = [b for b in batches if b.id > after and b.file == name and b.undone_at is None]
    if not late:
        return None
    batch = min(late, key=lambda b: b.id)
    return KafineaError(
        f"The import was stopped too late: the server had already imported {path.name} as"
        f" batch {batch.id}. Undo it from past imports if it should not be there."
    )
