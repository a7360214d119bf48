"""The workspace database: one DuckDB connection and everything that writes through it.

    connection -> migrations -> database.Store (transactions, record CRUD)
                                  |-> record_rules, record_ids, custom_fields, change_log
    settings (kf_settings), tokens (kf_tokens): small tables beside the records

Callers use `database.Store`; the other modules are its parts.
"""
