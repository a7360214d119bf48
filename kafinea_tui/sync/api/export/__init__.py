"""The export route: `GET` answers the file (`answer`: a CSV streamed from the export's
thread, or a workbook), `POST` through the workspace's socket has the owner write it where
its client asks (`to_path`)."""
