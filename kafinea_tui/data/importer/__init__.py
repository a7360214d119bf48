"""A file into a module, as set statements over the whole file in DuckDB, in one transaction.

    plan (what the user chose) -> file/ (a CSV file or a sheet, staged as a table)
      -> mapping (columns to fields; suggest + vocabulary when the plan has none)
      -> validate (typing: values typed, references looked up)
      -> match/group (rows to records, duplicates) -> related/create(+ordered_rows)/write
      -> run (the entry point: the report)
    context: what the steps share (Context, the kf_* tables); rules: the reasons both paths say
    rows/: a few posted records, without a file; undo (+ undo_deleted): a batch taken back

Screens, the CLI and the API use `run`, `plan`, `undo`, `saved_mappings`, `file` and `rows`;
the other modules are the engine's steps (an import-linter contract keeps it so).
"""
