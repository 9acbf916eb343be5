"""Who speaks: voice profiles, and the cast of a bulletin with its fallbacks."""
