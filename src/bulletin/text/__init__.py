"""Text facts every stage shares: the one Dutch sentence splitter and how addresses are read."""
