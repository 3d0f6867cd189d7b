"""The one match model: graded comparison levels and their calibrated weights.

Search ranking, list validation, tracing leads and batch linkage (Splink) decide with it.
"""
