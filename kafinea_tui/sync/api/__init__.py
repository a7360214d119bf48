"""The REST API over a workspace: `app.create_app` builds the Starlette application.

app (routes, auth) -> params (query words to plans) -> records / imports / changes
errors (exceptions to JSON answers), openapi (the document at /openapi.json)
"""
