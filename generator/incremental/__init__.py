"""What a rebuild reuses of earlier builds: items read, keyed pages, views, the last build."""
