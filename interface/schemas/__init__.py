"""Marshmallow schemas for every request body and query string (unknown fields are rejected)."""
