"""Pure cores of the resource domain: plain data in, plain data out (no session, no request)."""
