"""The obligations engine: supervision policies as data, and what they require on a date.

No Django here: the web app and the CSV reader build ``facts.Facts`` and hand them over.

- ``periods.parse_period(text) -> Period``: ``28d``, ``4w``, ``1m``, ``3wd``.
- ``working_days.england_and_wales() -> WorkingDays``: bank holidays from the bundled GOV.UK list.
- ``loader.load_policy(name_or_path) -> rules.Policy``; raises ``loader.PolicyError``.
- ``engine.compute_obligations(policy, facts, as_of, *, subjects=None) -> list[Obligation]``.
- ``report.write_csv(obligations, out)`` and ``report.write_table(obligations, out)``.
- ``indicators.indicators(policy, facts, as_of)`` and ``indicators.trend(...)``: the compliance
  figures of INDICATORS.md per team, service and organisation.
"""
