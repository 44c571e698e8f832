"""Interoperability: what SmartTrees hands to other systems by their standards."""
