"""Everything that reads and writes a workspace, without a screen: DuckDB, the schema, values.

    errors, schema, values, csv_dialect, query (lists), record_view (one record, API reads)
    store/ (the database) <- filter/ (the filter language) <- importer/, exporter/, bulk/
    automation/ (triggers and outbox, in the writer's transaction), demo/ (the demo workspace)

Never imports Textual; the screens, the CLI and the API (sync/api) all call into here.
"""
