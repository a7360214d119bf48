"""The workspace database: one DuckDB connection and everything that writes through it.

    connection -> migrations -> database.Store (transactions, record CRUD)
                                  |-> record_rules, record_ids, custom_fields, change_log
    changes (the change log read back), settings (kf_settings), tokens (kf_tokens)

Callers use `database.Store` and the small tables' modules; the others are Store's parts.
"""
