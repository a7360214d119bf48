"""The automation part of config.toml: what the engine runs and the sync panel edits.

config.toml -> load        each entry checked on its own, a sentence for a bad one
            -> model       AutomationConfig: SMTP, endpoints, workflows, schedules
            -> check       `automation check` (the CLI and the API print the same)
the panel's forms -> endpoint_edit / entry_edit   form text -> a TOML table, checked
                  -> write                        only the edited entry changes (tomli-w)
"""
