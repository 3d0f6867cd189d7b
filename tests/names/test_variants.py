from homecoming.names import variants


def test_given_name_variants_include_other_language_and_english_forms() -> None:
    found = variants("Олександр")
    assert {"Александр", "Oleksandr", "Aleksandr", "Alexander"} <= found


def test_russian_given_name_has_its_ukrainian_form() -> None:
    found = variants("Сергей")
    assert {"Сергій", "Sergey", "Sergei"} <= found


def test_variants_list_the_diminutives_compare_matches() -> None:
    found = variants("Олександр")
    assert {"Sasha", "Саша"} <= found
