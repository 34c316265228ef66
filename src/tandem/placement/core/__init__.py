"""Pure cores of the placement domain: plain data in, plain data out (no session, no request)."""
