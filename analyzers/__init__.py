"""Analyzers: read snapshots (never devices) and work out what the reviews need: the device profile first."""
