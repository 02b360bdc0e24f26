"""The audit trail: an append-only, hash-chained record of every look at and change to records.

Write entries with `oversight.audit.trail.audit()`; check the chain with `verify_chain()` or
`oversight audit verify`.
"""
