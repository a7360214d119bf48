"""The file an import reads: its encoding, its dialect, and the file staged as a DuckDB table.

    encoding (BOM, detection, transcoding) -> sniff (delimiter, header) -> stage (+ lines)
    spreadsheet: a workbook's sheet as Arrow (fastexcel), staged the same way
    source: what callers use, chosen by the file's extension (csv_source for a CSV file): the
    wizard's preview is the import's own parse

Nothing here knows the module: the columns are the file's, `c1..cN`.
"""
