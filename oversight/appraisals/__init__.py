"""Appraisals and probation reviews (issue 16): the annual appraisal with its Personal Development
Plan, and a new starter's probation reviews, filed in section 3 of the supervision file (N 11.3)."""
