"""One attempt of one delivery: HTTP to an endpoint (signed), or an email through SMTP.

Each returns an `Outcome`; the outbox decides from it whether to settle, retry or give up.
"""
