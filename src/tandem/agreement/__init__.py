"""Cooperation agreements in the seven modes."""
