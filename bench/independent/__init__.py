"""An independent evaluation data generator for Homecoming's matching.

Written without reference to ``homecoming.generate``: its name lists are typed by hand here
or taken from Faker's ``uk_UA``/``ru_RU`` word lists and names-translator's dictionaries, its
Latin renderings come from translitua and iuliia, and its noise follows the failure classes of
issues 13 and 23. Everything is deterministic from a split's seed.
"""
