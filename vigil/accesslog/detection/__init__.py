"""Misuse detection over the access log (norm 4.4.4).

``rules`` finds suspicious entries, ``services`` turns them into findings and
records their triage, and ``models`` holds the settings, the subject lists
and the findings.
"""
