"""Storage edge: SQLAlchemy models, the database handle, migrations."""
