"""Coordinates and geometry: pure functions, no Flask, no database."""
