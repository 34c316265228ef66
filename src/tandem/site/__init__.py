"""Pages that belong to no single domain: home, language choice, API documentation, health."""
