"""Enterprise needs (dated, comparable versions per partnership) and the college's offer."""
