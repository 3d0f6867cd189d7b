"""Tracing, the domain: inquiries and their sharing scope, sightings as heard, units, matching
an inquiry against evidence, lead rules, the family-facing status and notification templates.

Pure Python over plain data: no database, no web, no IO.
"""
