"""The file an import reads: its encoding, its dialect, and the file staged as a DuckDB table.

encoding (BOM, detection, transcoding) -> sniff (delimiter, header) -> lines -> stage
csv_source: the preview the wizard shows and the staging the importer runs, one parse
spreadsheet: a workbook's sheet as Arrow (fastexcel), staged the same way
source: the one face of both, chosen by the file's extension
"""
