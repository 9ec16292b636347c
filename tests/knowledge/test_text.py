"""Spanish normalisation and entity extraction."""

from __future__ import annotations

import pytest

from knowledge.text import (
    clean_text,
    content_words,
    expand_shorthand,
    find_snips,
    find_years,
    find_zonas,
    fold,
    has_phrase,
    intents_in,
    phonetic,
    phrases_in,
    stem,
    vocabulary,
    words,
)


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("zona 6", "zona 6"),
        ("zo\x00na 6\x00", "zona 6"),
        ("agua \ud800 y \udfff", "agua \ufffd y \ufffd"),
        ("risa \ud83d\ude00", "risa \U0001f600"),  # a pair split in two code points is one emoji
        ("ñandú 📢 «sí»", "ñandú 📢 «sí»"),
    ],
)
def test_clean_text_removes_what_cannot_be_stored(sent: str, kept: str) -> None:
    assert clean_text(sent) == kept


def test_fold_removes_accents_case_and_invisible_characters() -> None:
    assert fold("  ¿Cuánto  PISTO\u200b hay\u202e en la Muni? ") == "¿cuanto pisto hay en la muni?"
    assert fold("Señor Niño") == "senor nino"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Ñ Ú Ü ç", "n u u c"),  # precomposed letters: their accents are combining marks in NFKD
        ("e\u0301 a\u0300\u0327", "e a"),  # marks typed apart, two on one letter
        ("İ", "i"),  # its dot is a combining mark; lower() after removing it gives no second one
        ("ﬁ ²", "fi 2"),  # compatibility forms, decomposed by NFKD
        ("\ufeffhola\u200d mundo", "hola mundo"),  # invisible characters where text is not ASCII
        ("Plain ASCII\ttext\n", "plain ascii text"),
    ],
)
def test_fold_decomposes_and_drops_every_combining_mark(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_fold_is_the_same_beyond_the_characters_it_remembers() -> None:
    """More distinct characters than the fold table keeps: the ones after it are folded alike."""
    many = "".join(chr(0x4E00 + n) for n in range(5000))  # ideographs: no marks, kept as they are
    assert fold(many + " Á\u0301") == many + " a"


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("proyectos zona 6", [6]),
        ("obras en la z6", [6]),
        ("z 10 y zona 2", [10, 2]),
        ("alcantariyado zona diez", [10]),
        ("proyectos sona 6", [6]),
        ("zona seis", [6]),
        ("zonas 4", [4]),
        ("zona 999", [999]),
        ("zona -1", [-1]),
        ("la zona sexta", [6]),
        ("zonificación territorial", []),
        ("plaza mayor", []),
        ("la 2 y la 4 de mixco q les toca", [2, 4]),
        ("que hay pa la 6", [6]),
        ("la 2 de mayo", []),
        ("en la 10 de la tarde", []),
    ],
)
def test_zona_forms(text: str, numbers: list[int]) -> None:
    assert [z.number for z in find_zonas(fold(text))] == numbers


def test_snips_are_six_digits_not_amounts_or_years() -> None:
    assert find_snips("proyecto 242177 de q 4,441,894.00 en 2024") == ["242177"]
    assert find_snips("snip 1234567") == []
    assert find_years("meta 2032 desde 2021") == [2032, 2021]


def test_stop_words_keep_meaningful_words() -> None:
    kept = content_words("no hay estado del proyecto sin más avance")
    assert {"no", "estado", "sin", "proyecto", "avance"} <= set(kept)
    assert "del" not in kept
    assert "hay" not in kept
    assert "mas" not in kept  # "más"/"menos" mark a superlative or a comparison, read from the whole text


def test_number_words_become_digits() -> None:
    assert words("zona diez y once") == ["zona", "10", "y", "11"]


def test_stem_groups_inflections() -> None:
    assert stem("proyectos") == stem("proyecto")
    assert stem("seguridad") == stem("seguro")
    assert stem("2032") == "2032"


@pytest.mark.parametrize(
    ("heard", "written"),
    [
        ("vasura", "basura"),
        ("sero", "cero"),
        ("alcantariyado", "alcantarillado"),
        ("sona", "zona"),
        ("ijo", "hijo"),
    ],
)
def test_words_that_sound_alike_share_a_key(heard: str, written: str) -> None:
    assert phonetic(heard) == phonetic(written)


def test_different_words_keep_different_keys() -> None:
    assert phonetic("basura") != phonetic("ayuda")
    assert phonetic("zona") != phonetic("sola")


def test_single_letters_are_not_content() -> None:
    assert content_words("vision d la muni x favor q 5") == ["vision", "5"]


def test_phone_spellings_of_qu_and_cu_are_written_out() -> None:
    assert expand_shorthand("kuantos proyectos kiere ke haga") == "cuantos proyectos quiere que haga"
    assert expand_shorthand("kilometro") == "kilometro"


@pytest.mark.parametrize(
    ("folded", "out"),
    [
        ("el alcalde es muy corrupto", True),
        ("son bien corruptos en la muni", True),
        ("esta bien el plan de agua", False),
        ("que proyectos hay en la zona 6", False),
    ],
)
def test_an_intensifier_does_not_hide_an_out_of_scope_phrase(folded: str, out: bool) -> None:
    assert vocabulary().out_of_scope_in(folded) is out


def test_a_snip_before_a_comma_is_a_snip_but_an_amount_is_not() -> None:
    assert find_snips("con el snip 299884, es que nadie explica") == ["299884"]
    assert find_snips("q 4,441,894.00 y 206213.") == ["206213"]
    assert find_snips("q 441,894") == []


PHRASES = ("cuanto cuesta", "pisto", "la zona", "cuanto", "no hay nada")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("¿Cuánto cuesta el pozo?", ["cuanto cuesta", "cuanto"]),
        ("cuantos pozos hay", []),  # a longer word is not the phrase's word
        ("en la zona 6 no hay nada", ["la zona", "no hay nada"]),
        ("no hay agua, nada", []),  # the words of a phrase, but not one after the other
        ("¿y cuánto? el pisto", ["pisto", "cuanto"]),  # in the phrases' order, not the text's
        ("", []),
    ],
)
def test_phrases_are_found_as_whole_words_in_their_order(text: str, found: list[str]) -> None:
    assert phrases_in(fold(text), PHRASES) == found
    assert has_phrase(fold(text), PHRASES) is bool(found)


def test_many_phrases_read_like_a_few() -> None:
    many = (*PHRASES, *(f"relleno {n}" for n in range(20)))
    for text in ("cuanto cuesta", "relleno 7", "relleno", "cuesta cuanto", "zona"):
        assert has_phrase(text, many) is bool(phrases_in(text, many)), text


def test_intents_are_read_from_every_phrase_of_each() -> None:
    intents = vocabulary().intents
    for name, phrases in intents.items():
        longest = max(phrases, key=len)
        assert name in intents_in(f"oiga {longest} por favor")
    assert intents_in("mmm") == frozenset()
