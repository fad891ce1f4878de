"""The lab vocabulary (scraper/data/labs.toml) and the rule that gives a post its lab and labs."""

from __future__ import annotations


import pytest

from scraper.errors import UnknownLab
from scraper.labs import BadVocabulary, LabVocabulary
from scraper.paths import data_path

ALL = ["Boden", "Göteborg", "Norrköping", "Södertälje"]

# The seed post (docs/site.md, "The seed page": 29 april 2019), its lab-relevant paragraphs.
SEED_TITLE = "Vilken resa vi gör!"
SEED_BODY = "\n\n".join(
    [
        "Våra fyra innovationslabb har varit i gång sedan i höstas.",
        "Efter det var det dags att sätta smarta mål för varje labb.",
        "Läs mer om innovationslabbet i Boden här",
        "Läs mer om innovationslabbet i Göteborg här",
        "Läs mer om innovationslabbet i Norrköping här",
        "Läs mer om innovationslabbet i Södertälje här",
    ]
)


def test_vocabulary_lists_the_four_labs_in_order(labs):
    assert labs.names == ALL


def test_seed_post_naming_all_four_labs_has_no_single_lab(labs):
    assert labs.assign(title=SEED_TITLE, body=SEED_BODY, role="projektansvarig") == (None, ALL)


def test_post_naming_no_lab_has_none(labs):
    assert labs.assign(title="Vad är ett innovationslabb?", body="Vi lär oss av varandra.") == (None, [])


def test_role_naming_telge_bostader_gives_sodertalje(labs):
    lab = labs.assign(title="En egen kväll för tjejer", body="Mötesplatsen arrangerade en kväll.",
                      role="stadsdelsutvecklare på Telge Bostäder")  # fmt: skip
    assert lab == ("Södertälje", ["Södertälje"])


def test_role_with_commas_counts_every_name_in_it(labs):
    role = "ansvarig för stadsdelsutveckling, Hyresbostäder i Norrköping"
    assert labs.count(title="Hösten", body="", role=role) == {"Norrköping": 2}


def test_single_named_lab_wins_over_nothing(labs):
    assert labs.assign(title="Fotbollsskola", body="Sommarlov i Rannebergen.") == ("Göteborg", ["Göteborg"])


def test_a_text_in_english_names_gothenburg(labs):
    body = "We visited our four labs – in Boden, Gothenburg, Norrköping and Södertälje."
    assert labs.assign(title="A week of visits", body=body) == (None, ALL)


def test_lab_needs_twice_the_runner_up(labs):
    body = "Portalen i Hageby har besök från Boden. Ringdansen är nästa."  # 3 : 1
    assert labs.assign(title="Besök", body=body) == ("Norrköping", ["Boden", "Norrköping"])
    body = "Portalen i Hageby tog emot gäster från Boden och BIS."  # 2 : 2
    assert labs.assign(title="Besök", body=body) == (None, ["Boden", "Norrköping"])
    body = "Portalen i Hageby, Ringdansen, och gäster från Boden och BIS."  # 3 : 2
    assert labs.assign(title="Besök", body=body) == (None, ["Boden", "Norrköping"])


def test_a_title_mention_counts_twice(labs):
    counts = labs.count(title="Integrationskör i Boden", body="Ett möte i Göteborg.")
    assert counts == {"Boden": 2, "Göteborg": 1}
    assert labs.assign(title="Integrationskör i Boden", body="Ett möte i Göteborg.")[0] == "Boden"


def test_labs_are_listed_in_vocabulary_order(labs):
    _, named = labs.assign(title="", body="Södertälje, Norrköping, Göteborg och Boden.")
    assert named == ALL


@pytest.mark.parametrize(
    "text, lab",
    [("Bodens kommun", "Boden"), ("Norrköpings nya torg", "Norrköping"),
     ("Portalens lokaler", "Norrköping"), ("BIS:s styrelse", "Boden"),
     ("Lina Hages mötesplats", "Södertälje"), ("Göteborgs stad", "Göteborg")],
)  # fmt: skip
def test_genitive_s_still_names_the_lab(labs, text, lab):
    assert labs.mentions(text) == {lab: 1}


def test_bis_is_a_name_but_bis_in_lower_case_is_not(labs):
    assert labs.mentions("Ett möte med BIS.") == {"Boden": 1}
    assert labs.mentions("Vi tog det bis en gång till.") == {}


@pytest.mark.parametrize(
    "text, counts",
    [("Vårt Rannebergen", {"Göteborg": 1}), ("Göteborgslokaler", {"Göteborg": 1}),
     ("Bodenbo", {"Boden": 1}), ("Boden Integration och Samverkan", {"Boden": 1}),
     ("Linas mötesplats", {"Södertälje": 1}), ("Telge Bostäder", {"Södertälje": 1})],
)  # fmt: skip
def test_a_longer_name_is_counted_once(labs, text, counts):
    assert labs.mentions(text) == counts


@pytest.mark.parametrize("text", ["Norrköpingsbor", "Bodensamverkan", "Portalerna", "Angeredsbron", "fjället"])
def test_names_are_whole_words(labs, text):
    assert labs.mentions(text) == {}


def test_names_split_by_a_non_breaking_space_are_found(labs):
    assert labs.mentions("Hos Telge\xa0Bostäder och Lina\u00a0Hage") == {"Södertälje": 2}


def test_a_name_in_a_capitals_subhead_counts(labs):
    assert labs.mentions("BESÖK I RANNEBERGEN") == {"Göteborg": 1}


@pytest.mark.parametrize("name", ["Göteborg", "goteborg", "GÖTEBORG", " göteborg ", "Goteborg"])
def test_resolve_ignores_case_and_accents(labs, name):
    assert labs.resolve(name) == "Göteborg"


def test_resolve_accepts_a_name_from_the_vocabulary(labs):
    assert labs.resolve("telge bostader") == "Södertälje"


def test_unknown_lab_message_lists_the_known_labs(labs):
    with pytest.raises(UnknownLab) as raised:
        labs.resolve("Kiruna")
    assert str(raised.value) == 'no lab called "Kiruna" (known labs: Boden, Göteborg, Norrköping, Södertälje)'


def test_default_path_is_data_labs_toml():
    assert data_path("labs.toml").is_file()
    assert LabVocabulary.load(data_path("labs.toml")).names == LabVocabulary.load().names


def test_a_user_edited_vocabulary_is_used(tmp_path):
    path = tmp_path / "labs.toml"
    path.write_text(
        '[[lab]]\nname = "Kiruna"\nnames = ["Kirunabostäder", "Malmberget"]\n\n'
        '[[lab]]\nname = "Boden"\nnames = ["Bodenbo"]\n',
        encoding="utf-8",
    )
    labs = LabVocabulary.load(path)
    assert labs.names == ["Kiruna", "Boden"]
    assert labs.assign(title="Flytten", body="Malmberget och Kirunabostäder, och Bodenbo.") == (
        "Kiruna",
        ["Kiruna", "Boden"],
    )
    assert labs.resolve("kiruna") == "Kiruna"
    with pytest.raises(UnknownLab, match=r'no lab called "Göteborg" \(known labs: Kiruna, Boden\)'):
        labs.resolve("Göteborg")


def test_a_name_under_two_labs_is_refused(tmp_path):
    path = tmp_path / "labs.toml"
    path.write_text('[[lab]]\nname = "A"\nnames = ["X"]\n[[lab]]\nname = "B"\nnames = ["X"]\n', encoding="utf-8")
    with pytest.raises(BadVocabulary, match="'X' is listed under both A and B"):
        LabVocabulary.load(path)


def test_a_missing_vocabulary_file_is_named(tmp_path):
    with pytest.raises(BadVocabulary, match="no lab vocabulary at .*nothing.toml"):
        LabVocabulary.load(tmp_path / "nothing.toml")
