"""Backups: `flask backup export FILE` and `flask backup import FILE` (see docs/backup.md)."""
