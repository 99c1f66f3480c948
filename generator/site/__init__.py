"""The websites: what each output shows, its views, pages, templates and exports."""
