"""State machines as data: the statutory assessment and plan workflow."""
