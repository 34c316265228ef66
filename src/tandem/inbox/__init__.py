"""Notices to users: the in-app inbox (and e-mail when SMTP is configured)."""
