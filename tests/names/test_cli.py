import json

from typer.testing import CliRunner

from homecoming.cli import app

runner = CliRunner()


def test_compare_prints_score_decision_and_explanation() -> None:
    result = runner.invoke(app, ["names", "compare", "Олександр Нехір", "Oleksandr Nekhir"])
    assert result.exit_code == 0, result.output
    assert "MATCH" in result.output
    assert "transliteration standard" in result.output


def test_compare_json() -> None:
    result = runner.invoke(app, ["names", "compare", "Сергій Жадан", "Сергій Жаданов", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["match"] is False
    assert 0.0 <= payload["score"] <= 1.0
    assert payload["explanation"]


def test_variants_lists_renderings_and_variants() -> None:
    result = runner.invoke(app, ["names", "variants", "Олександр Нехір"])
    assert result.exit_code == 0, result.output
    assert "uk_kmu_2010" in result.output
    assert "Oleksandr Nekhir" in result.output
    assert "Александр" in result.output


def test_variants_json() -> None:
    result = runner.invoke(app, ["names", "variants", "Сергей Лавров", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["renderings"]["ru_icao_doc_9303"] == "Sergei Lavrov"
    assert payload["family"] == ["Лавров"]
