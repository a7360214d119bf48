"""The deterministic demo workspace: `build` fills it from `words`, `samples` writes its CSVs."""
