"""Fixture policy: these tests use only installed libraries (translitua, iuliia, names-translator,
rigour, Faker) and tables written here; they never read ../shared/data, so a plain clone passes.
Name tables load once per session (rigour's name groups take a few seconds on first use).
"""
