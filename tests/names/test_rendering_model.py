import pytest

from homecoming.names.rendering_model import cyrillic_letters, spelling_score


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [("Жером", "gerome"), ("Дзютаро", "jutaro"), ("Макгири", "mcgeary"), ("Чжэнвэй", "zhengwei")],
)
def test_real_spellings_score_near_the_best(cyrillic: str, latin: str) -> None:
    assert spelling_score(cyrillic_letters(cyrillic), latin) > -1.3


@pytest.mark.parametrize(
    ("cyrillic", "latin"), [("Жадан", "zhdanov"), ("Юрий", "yulia"), ("Олена", "oleksandr")]
)
def test_other_names_score_far_below(cyrillic: str, latin: str) -> None:
    assert spelling_score(cyrillic_letters(cyrillic), latin) < -2.0


def test_ukrainian_letters_are_read_the_russian_way() -> None:
    assert cyrillic_letters("Їжак-Ґудзь'є") == "ижакгудзье"


def reference_score(letters: str, latin: str) -> float:
    """`spelling_score`'s alignment as first written (slicing the Latin word per letter)."""
    from homecoming.names.rendering_model import MAX_CHUNK, UNSEEN, _emissions

    if not letters or not latin:
        return UNSEEN
    emissions, best = _emissions(letters)
    m = len(latin)
    worst = -1e9
    row = [0.0] + [worst] * m
    for scores in emissions:
        following = [worst] * (m + 1)
        for j, start in enumerate(row):
            if start <= worst:
                continue
            for end in range(j, min(j + MAX_CHUNK, m) + 1):
                score = start + scores.get(latin[j:end], UNSEEN - (end - j))
                if score > following[end]:
                    following[end] = score
        row = following
    return (row[m] - best) / (max(len(letters), m) + 1)


def test_spelling_score_is_the_alignment_as_first_written() -> None:
    """The same float, to the last bit, for every Cyrillic and Latin word of generated records
    paired with each other (near, far, short, long)."""
    from homecoming.generate.records import generate_dataset
    from homecoming.names.parse import tokenize

    words = {
        w
        for r in generate_dataset(300, seed=5)
        for text in (r.fields.full_name, r.fields.family_name, r.fields.given_names)
        for w in tokenize(text or "")
    }
    words |= {"Жером", "Чжэнвэй", "gerome", "zhengwei", "a", "Я", "x" * 12, "щ" * 9}
    cyrillic = sorted({cyrillic_letters(w) for w in words} - {""})
    latin = sorted({w.lower() for w in words if w.isascii() and w.isalpha()})
    assert len(cyrillic) > 50 and len(latin) > 50
    for letters in cyrillic[:80]:
        for word in latin[:80]:
            assert spelling_score.__wrapped__(letters, word) == reference_score(letters, word)


@pytest.mark.parametrize("floor", [-0.5, -1.5, -3.0, -6.9])
def test_a_score_above_a_floor_is_the_score_and_none_below_it(floor: float) -> None:
    """`spelling_score_above` gives `spelling_score`'s float, to the last bit, wherever it
    reaches the floor, and None wherever it does not: on generated words paired with each
    other and with each word's own best spellings a letter off."""
    from homecoming.generate.records import generate_dataset
    from homecoming.linkage.name_grading import best_spellings
    from homecoming.names.parse import tokenize
    from homecoming.names.rendering_model import spelling_score_above

    words = {
        w
        for r in generate_dataset(300, seed=6)
        for text in (r.fields.full_name, r.fields.family_name, r.fields.given_names)
        for w in tokenize(text or "")
    }
    cyrillic = sorted({cyrillic_letters(w) for w in words} - {""})[:60]
    latin = sorted({w.lower() for w in words if w.isascii() and w.isalpha()})[:60]
    pairs = [(c, w) for c in cyrillic for w in latin]
    for letters in cyrillic:
        for spelt in sorted(best_spellings(letters) or ())[:2]:
            pairs += [(letters, spelt), (letters, spelt[1:]), (letters, spelt + "a")]
    above = below = 0
    for letters, word in pairs:
        score = spelling_score.__wrapped__(letters, word)
        found = spelling_score_above.__wrapped__(letters, word, floor)
        if score >= floor:
            above += 1
            assert found == score, (letters, word)
        else:
            below += 1
            assert found is None, (letters, word)
    assert above > 20 and below > 20
