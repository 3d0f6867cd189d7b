"""Ring 1: pure domain logic. No web framework, no database driver, no file IO."""
