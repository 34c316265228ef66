"""Who is acting: actors, and (from the accounts issue) users, roles and sessions."""
