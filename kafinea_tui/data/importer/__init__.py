"""A CSV file into a module, as set statements over the whole file in DuckDB.

    plan (what the user chose) -> file/ (encoding, sniff, stage: the file as a table)
      -> mapping (columns to fields) -> validate (typed values, references looked up)
      -> match/group (rows to records, duplicates) -> related/create/write (one transaction)
      -> run (the entry point: the report) ; undo (a batch taken back) ; saved_mappings

Screens, the CLI and the API use `run`, `plan`, `undo`, `saved_mappings` and `file`; the
other modules are the engine's steps.
"""
