"""The e-mail outbox: messages are queued in the transaction that causes them, sent later."""
