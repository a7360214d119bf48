"""Records of a module out to a file: CSV as one DuckDB COPY, or a workbook.

    options (the request) -> plan (scope, fields, order) -> sql (the SELECT) + lookup
      -> run (export_file: the format; CSV: COPY to a temporary file, transcode by encoding)
      -> xlsx (the same plan with typed values, streamed into a workbook by XlsxWriter)
    target: the file for both (checked, written beside, renamed into place)

Callers use `options`, `plan` and `run`; docs/architecture.md says why a whole table needs no
ORDER BY.
"""
