"""Security incidents from detection to closure."""
