"""EHCP statutory casework: the domain, with no web framework in it."""
