"""Label codes and rendering: pure, no Flask, no database."""
