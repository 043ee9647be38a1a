"""Who may use which application or data category, and the periodic reviews of it."""
