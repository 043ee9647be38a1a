"""The three-year security plan, its actions and the security budget."""
