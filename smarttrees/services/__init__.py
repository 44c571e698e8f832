"""Use cases. Each public function owns its transaction; none imports Flask."""
