"""Processes and assets, threats, risks and their treatment."""
