"""Partner enterprises (platform-wide master data) and partnerships (college × enterprise)."""
