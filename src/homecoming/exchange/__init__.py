"""Exchanges, as plain data and rules: agreements, eligibility, parity, list diffs, findings,
stage planning (CP-SAT) and reconciliation. No IO, no database, no web."""
