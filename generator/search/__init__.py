"""The search indexes: Pagefind shards for the websites, the script index for the kiosk."""
