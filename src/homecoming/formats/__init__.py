"""Edges: reading and writing lists (CSV, XLSX) and PFIF 1.4 feeds."""
