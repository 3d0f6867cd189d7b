"""Ring 2: the use cases. Each is one transaction and writes the audit log."""
