"""The name tables the package ships under `names/data`: where they are, and reading them.

At run time the engine only reads these files; nothing is computed from rigour,
names-translator or Faker here. A missing file is an error that names the file and the
command that builds it (`build_name_tables` for the name groups and the given-name tables,
`train_rendering_model` for the learned rendering model).
"""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).with_name("data")
GROUPS_PATH = DATA / "name_groups.tsv"
RARE_GROUPS_PATH = DATA / "rare_name_groups.tsv.gz"
DERIVED_PATH = DATA / "given_names.tsv.gz"
MODEL_PATH = DATA / "rendering_model.tsv"
# Everyday and affectionate forms (Тьома, Сашко, Серёжа, Лёша): a hand-written table, read
# only by `build_name_tables`, which ships them with their Latin forms in `given_names.tsv.gz`.
DIMINUTIVES_SOURCE = DATA / "diminutives.tsv"

BUILD_TABLES = "python -m homecoming.names.build_name_tables"
TRAIN_MODEL = (
    "python -m homecoming.names.train_rendering_model"
    " ../shared/data/wikidata_latin_russian_train.tsv"
)


class MissingNameTable(FileNotFoundError):
    """A shipped name table is not where the package keeps it."""

    def __init__(self, path: Path, command: str = BUILD_TABLES) -> None:
        super().__init__(
            f"the name table {path} is missing: the names engine reads it at run time and"
            f" never rebuilds it; build it with `{command}` (or reinstall the package)"
        )
        self.path = path
        self.command = command


def shipped(path: Path, command: str = BUILD_TABLES) -> Path:
    """`path` itself when the file is there; else MissingNameTable naming how to build it."""
    if not path.exists():
        raise MissingNameTable(path, command)
    return path
