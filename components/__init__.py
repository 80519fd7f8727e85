"""Drawing functions for the pages, and the cached bridge from pages to the store."""
