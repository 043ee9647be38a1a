"""Physical security per site: badges, keys and their holders, alarm and
fire measures, server room checks."""
