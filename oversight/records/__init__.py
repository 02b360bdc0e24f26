"""Supervision records: what was said and decided in a session, and the write-send-agree workflow.

The session itself (who, when, which children) lives in `oversight.supervision`; this app holds the
record's contents and its workflow, so the obligations engine keeps counting plain sessions.
"""
