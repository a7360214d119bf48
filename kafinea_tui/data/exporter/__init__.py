"""Records of a module out to a CSV file, as one DuckDB COPY.

    options (the request) -> plan (scope, fields, order) -> sql (the SELECT) + lookup
      -> run (COPY to a temporary file, transcode by encoding, rename into place)
      -> xlsx (the same plan with typed values, streamed into a workbook by XlsxWriter)

Callers use `options`, `plan` and `run`; docs/architecture.md says why a whole table needs no
ORDER BY.
"""
