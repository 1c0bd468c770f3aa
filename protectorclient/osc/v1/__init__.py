"""OSC commands for protector API v1."""
