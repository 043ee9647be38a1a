"""The centre's plans: security plan and budget, risk analysis, continuity
plan and audits. Each is a sub-package that is its own Django app; records
reuse the register base of :mod:`vigil.registers`."""
