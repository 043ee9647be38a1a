"""Backup schemes, runs, checks and restore tests."""
