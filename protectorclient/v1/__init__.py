"""Protector API v1 client."""
