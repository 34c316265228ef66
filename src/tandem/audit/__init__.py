"""The audit log: who changed what, when, with the fields before and after."""
