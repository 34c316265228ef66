"""Shared building blocks: ORM base, errors, pagination, i18n and web helpers."""
