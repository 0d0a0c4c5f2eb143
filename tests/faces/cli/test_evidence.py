"""`clearance screen --birth-date --country --id`, and the listed person's dates and places of birth and
nationalities in `screen --json` and `entity`; against the OFAC SDN excerpt imported into a home."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from clearance.faces.cli.app import app
from fixtures import DATA

runner = CliRunner()


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("home")
    env = {"CLEARANCE_HOME": str(home)}
    r = runner.invoke(app, ["lists", "import", str(DATA / "lists" / "ofac-sdn-2021")], env=env)
    assert r.exit_code == 0, r.output
    return env


def screen(env: dict[str, str], *args: str) -> tuple[int, dict[str, object]]:
    r = runner.invoke(app, ["screen", *args, "--as-of", "2021-03-01", "--json"], env=env)
    return r.exit_code, json.loads(r.stdout) if r.exit_code in (0, 1) else {"stderr": r.stderr}


def test_a_different_birth_year_turns_the_block_into_review(env: dict[str, str]) -> None:
    code, doc = screen(env, "Ayman al Zawahiri")
    assert code == 1 and doc["decision"] == "block"
    code, doc = screen(env, "Ayman al Zawahiri", "--birth-date", "1970")
    assert code == 1 and doc["decision"] == "review"
    hit = doc["hits"][0]  # type: ignore[index]
    assert hit["score"] == 0.89 and hit["evidence"][0]["outcome"] == "differs"
    assert doc["evidence"] == {"birth_date": "1970", "countries": [], "identifiers": []}


def test_the_hit_shows_the_listed_dates_places_and_nationalities(env: dict[str, str]) -> None:
    _, doc = screen(
        env, "Kamchybek Kolbayev", "--birth-date", "1974-08-03", "--country", "KG", "--country", "RU"
    )
    hit = doc["hits"][0]  # type: ignore[index]
    assert hit["dates_of_birth"] == ["03 Aug 1974", "01 Jan 1973"]
    assert hit["places_of_birth"] == ["Cholpon-Ata, Kyrgyzstan"] and hit["nationalities"] == ["Kyrgyzstan"]
    assert [e["outcome"] for e in hit["evidence"]] == ["agrees", "agrees"]


def test_an_id_with_its_label_blocks_a_name_that_does_not_match(env: dict[str, str]) -> None:
    code, doc = screen(env, "Marzook Holdings")
    assert code == 0 and doc["decision"] == "clear"
    code, doc = screen(env, "Marzook Holdings", "--id", "passport no. 92/664")
    assert code == 1 and doc["decision"] == "block"
    assert doc["hits"][0]["entity_id"] == "ofac-3754"  # type: ignore[index]


def test_a_labelled_imo_number_as_the_query(env: dict[str, str]) -> None:
    code, doc = screen(env, "IMO: 9187629")
    assert code == 1 and doc["hits"][0]["name"] == "ARTAVIL"  # type: ignore[index]


def test_the_table_output_says_what_the_evidence_did(env: dict[str, str]) -> None:
    r = runner.invoke(
        app,
        ["screen", "Ayman al Zawahiri", "--as-of", "2021-03-01", "--birth-date", "1951", "--country", "EG"],
        env=env,
    )
    assert r.exit_code == 1
    assert "with born 1951, country EG" in r.stdout
    assert "date of birth 1951 agrees with listed 19 Jun 1951" in " ".join(r.stdout.split())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--birth-date", "19 June 1951"], "invalid date of birth"),
        (["--country", "Atlantis"], "unknown country"),
        (["--kind", "text", "--country", "EG"], "evidence about a party"),
    ],
)
def test_evidence_that_cannot_be_read_exits_2_with_one_line(
    env: dict[str, str], args: list[str], message: str
) -> None:
    r = runner.invoke(app, ["screen", "Ayman al Zawahiri", *args], env=env)
    assert r.exit_code == 2 and message in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_entity_shows_dates_places_of_birth_and_nationalities(env: dict[str, str]) -> None:
    r = runner.invoke(app, ["entity", "ofac-12625", "--json"], env=env)
    assert r.exit_code == 0
    doc = json.loads(r.stdout)
    assert doc["dates_of_birth"] == ["03 Aug 1974", "01 Jan 1973"] and doc["nationalities"] == ["Kyrgyzstan"]
    text = runner.invoke(app, ["entity", "ofac-2676"], env=env).stdout
    assert "date of birth: 19 Jun 1951" in text and "place of birth: Giza, Egypt" in text


def test_the_help_names_the_options() -> None:
    text = " ".join(runner.invoke(app, ["screen", "--help"]).stdout.split())
    assert "--birth-date" in text and "--country" in text and "--id" in text
