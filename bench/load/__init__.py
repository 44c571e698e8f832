"""A load test on loopback: field users, a planner and an import at once (make bench-load)."""
