"""Tandem: the school–enterprise cooperation platform for vocational colleges."""

__version__ = "0.1.0"
