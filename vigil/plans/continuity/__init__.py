"""Critical processes, fallback site, contact tree, recovery steps and exercises."""
