"""The mode advisor (pure): an enterprise's needs and the college's offer in, ranked forms of
cooperation with reasons out; and teachers whose expertise fits a need's problems or topics."""
