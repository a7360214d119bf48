"""The REST API over a workspace: `app.create_app` builds the Starlette application.

    shield (body limit, last-resort 500) -> app (routes, auth) -> params (query words to plans)
      -> records / changes (data's reads as JSON) ; writes (one writer thread)
    errors (exceptions to JSON answers), openapi (the document at /openapi.json)

No SQL here: every read and write is a call into data/.
"""
