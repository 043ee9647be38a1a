"""Audits of logical and physical security and their findings."""
