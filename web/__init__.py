"""Web: Flask UI and JSON API."""
