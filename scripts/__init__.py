"""Operational scripts that are not part of the deployed bot (for example the soak test)."""
