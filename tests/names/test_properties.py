from hypothesis import assume, given, settings
from hypothesis import strategies as st

from homecoming.names import compare
from homecoming.names.parse import _STOPWORDS as TITLES

CYRILLIC = st.text(
    alphabet="абвгґдеєжзиіїйклмнопрстуфхцчшщьюяАБВГДЕЖЗИІКЛМНОПРСТУФХЦЧШЩЮЯ '-", max_size=30
)
LATIN = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ '-", max_size=30)
NAMES = st.one_of(CYRILLIC, LATIN)


@settings(max_examples=150, deadline=None)
@given(NAMES, NAMES)
def test_score_in_unit_interval_and_symmetric_ish(a: str, b: str) -> None:
    forward, backward = compare(a, b).score, compare(b, a).score
    assert 0.0 <= forward <= 1.0
    assert abs(forward - backward) <= 0.1


@settings(max_examples=150, deadline=None)
@given(NAMES)
def test_identical_names_score_one(name: str) -> None:
    result = compare(name, name)
    if any(ch.isalpha() for ch in name):
        assert result.score == 1.0
        assert result.match


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40), st.text(max_size=40))
def test_any_text_compares_without_error(a: str, b: str) -> None:
    result = compare(a, b)
    assert 0.0 <= result.score <= 1.0
    assert result.match == (result.score >= result.threshold)
    result.to_dict()


WORD = st.text(alphabet="abcdefghklmnoprstuvz", min_size=2, max_size=10)
CYRILLIC_WORD = st.text(alphabet="абвгдежзклмнопрстуфхцчшщ", min_size=2, max_size=10)


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.tuples(WORD, WORD), st.tuples(CYRILLIC_WORD, CYRILLIC_WORD)))
def test_a_space_lost_inside_a_word_still_matches(pieces: tuple[str, str]) -> None:
    first, second = pieces
    # A title ("dr", "пан") split off is dropped from the split name, as it should be.
    assume(first.lower() not in TITLES and second.lower() not in TITLES)
    joined, split = f"Ivan {first}{second}", f"Ivan {first} {second}"
    assert compare(joined, split).match
    assert compare(split, joined).match


@settings(max_examples=150, deadline=None)
@given(st.one_of(WORD, CYRILLIC_WORD), st.one_of(WORD, CYRILLIC_WORD))
def test_scores_never_exceed_one_after_joining(first: str, second: str) -> None:
    result = compare(f"{first} {second}", first + second + second)
    assert 0.0 <= result.score <= 1.0


def test_a_title_split_off_is_dropped_not_joined() -> None:
    """Why the property above leaves titles out: "Ivan dr tom" is Dr Ivan Tom, not Ivan Drtom."""
    assert compare("Ivan dr tom", "Ivan tom").match
    assert compare("Іван аб пан", "Іван аб").match
