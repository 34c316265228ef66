"""Colleges (the tenants) and their departments (二级学院)."""
