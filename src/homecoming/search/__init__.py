"""Person search: an in-process index over every record's name, built from the store."""
