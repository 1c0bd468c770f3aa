"""Cross-site metadata sync: every protection group exists on both sites,
with the same id and the same metadata version (see docs/sync.md)."""
