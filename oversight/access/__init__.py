"""Who may see and do what, computed from the organisation on a date rather than stored grants."""
