"""The registers a centre keeps to show that it meets the norms.

The package holds what every register shares: the record base class, the
register descriptions (:mod:`.spec`), the services that create, change,
import and export records with their history (:mod:`.services`), the
generic pages and REST endpoints, and file attachments. Each register lives
in a sub-package that is its own Django app (``activities``, ``inventory``,
...), so each keeps its models and migrations apart.
"""
