"""The automation routes, in three groups:

routes    what runs: deliveries (list, retry), schedules (state, run now), workflows
control   the owner's engine and config.toml for a client's sync panel (on/off, reload,
          test delivery, tokens)
config    config.toml's endpoints, workflows and schedules written through the API
"""
