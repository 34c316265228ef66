"""Compliance (pure): internship rules as data, checked against plain facts with citations."""
