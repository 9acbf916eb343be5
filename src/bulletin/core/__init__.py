"""Leaves every stage shares: the error hierarchy, the data passed between stages, sample
facts, printable text, network manners, registries and where the shipped data lives."""
