"""Seeded generator of people, of the records sources write about them, and of the demo.

Everything is generated (names from Faker's uk_UA and ru_RU locales); the ground truth
travels with every record so that linkage can be measured.
"""

from homecoming.generate.csvfile import csv_columns, write_csv
from homecoming.generate.noise import Noise, NoiseProfile
from homecoming.generate.people import Person, PersonName, generate_people
from homecoming.generate.records import (
    GeneratedRecord,
    generate_dataset,
    generate_records,
    pairs,
)
from homecoming.generate.renderings import Rendering, RenderingMix, Script

__all__ = [
    "GeneratedRecord",
    "Noise",
    "NoiseProfile",
    "Person",
    "PersonName",
    "Rendering",
    "RenderingMix",
    "Script",
    "csv_columns",
    "generate_dataset",
    "generate_people",
    "generate_records",
    "pairs",
    "write_csv",
]
