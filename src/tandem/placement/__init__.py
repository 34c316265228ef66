"""Placements: plans, positions, preferences, allocation rounds and the placements they create."""
