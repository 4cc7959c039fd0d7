"""BlazePose detector->tracker pipeline (standard library only)."""
