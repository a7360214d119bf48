"""Automation's data: the outbox table, the triggers that fill it in the change's own
transaction, workflow fires and schedule runs. SQL only; the rules and the network are in sync/.
"""
