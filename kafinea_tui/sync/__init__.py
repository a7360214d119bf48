"""The workspace and the world outside it: the REST API (api/) and automation (config,
workflows, templates, signing), which the server runs without a screen. SQL stays in data/."""
