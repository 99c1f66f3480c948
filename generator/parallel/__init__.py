"""Work shared over forked processes: reading items and rendering pages on every core."""
