"""Statutory letters: the council's versioned wording (templates), rendering (render) and production (produce).

Decisions queue their notices (casework.cases.notices); this room turns them into the letters sent.
"""
