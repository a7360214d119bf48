"""The OpenAPI document served at `/openapi.json`: `document` builds it per workspace from the
route groups' parts, `schemas` holds its JSON schemas (records with this workspace's custom
fields, reports, changes, errors)."""
