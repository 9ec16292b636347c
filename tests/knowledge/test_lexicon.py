"""The Spanish lexicon: real words are not "corrected" into plan words, misspellings still are."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

import numpy as np
import pytest

from knowledge import lexicon
from knowledge.documents import plan_documents
from knowledge.ingest import load_bundled_plan
from knowledge.lexicon import Lexicon, spanish_words
from knowledge.search import SearchIndex, analyze

ROOT = Path(__file__).resolve().parents[2]

PROTECTED = (
    "saco",
    "saca",
    "sacar",
    "terrenos",
    "venden",
    "alcalde",
    "gasto",
    "llama",
    "cita",
    "ruido",
    "feria",
    "colchon",
    "cemento",
    "precio",
    "permiso",
    "negocio",
    "elecciones",
)
MISSPELT = {
    "vasura": "basura",
    "alcantariyado": "alcantarillado",
    "sero": "0",  # "cero" is indexed as the number
    "proyeto": "proyecto",
    "presupuezto": "presupuesto",
    "presupesto": "presupuesto",
    "finansiamiento": "financiamiento",
    "educasion": "educacion",
    "seguirdad": "seguridad",
}
NOISE = ("sero", "proyeto", "seguirdad", "presupesto")
"""Misspellings that wordfreq's list carries as words, below the cut-off."""


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(doc for doc, _ in plan_documents(load_bundled_plan()))


@pytest.mark.parametrize("word", PROTECTED)
def test_real_spanish_words_are_not_corrected(index: SearchIndex, word: str) -> None:
    assert word in spanish_words()
    assert index.correct(word) == word


@pytest.mark.parametrize(("word", "meant"), MISSPELT.items())
def test_misspellings_are_still_corrected(index: SearchIndex, word: str, meant: str) -> None:
    assert word not in spanish_words()
    assert index.correct(word) == meant


@pytest.mark.parametrize(
    ("word", "plan_word"),
    [("saco", "sacoj"), ("venden", "ende"), ("precio", "prescrito"), ("cemento", "decremento")],
)
def test_the_lexicon_is_what_keeps_them(index: SearchIndex, word: str, plan_word: str) -> None:
    """Without the lexicon these real words would be read as plan words."""
    bare = SearchIndex(index.docs)
    bare._spanish = Lexicon(np.array([], dtype=np.uint64))
    assert bare.correct(word) == plan_word


def test_how_do_i_get_my_id_is_not_about_sacoj(index: SearchIndex) -> None:
    query = analyze("¿cómo saco mi DPI?", index)
    assert query.corrections == {}
    assert "sacoj" not in query.sources


def test_accents_are_folded_before_the_lookup() -> None:
    words = spanish_words()
    assert "colchon" in words  # "colchón" and "colchon" counted together
    assert "educacion" in words
    assert "educación" not in words  # the lexicon holds folded words only; queries are folded


def test_the_data_file_is_what_the_loader_expects() -> None:
    path = lexicon.data_path()
    assert path.stat().st_size <= 1_000_000
    raw = np.load(path, allow_pickle=False)
    assert raw.dtype == np.dtype("<u8")
    assert raw.ndim == 1
    assert 20_000 <= len(raw) <= 60_000
    assert bool(np.all(raw[1:] > raw[:-1]))
    words = spanish_words()
    assert len(words) == len(raw)
    assert np.array_equal(words.hashes, raw)
    assert "xqzvw" not in words
    assert 123 not in words


def test_the_hash_is_stable_across_processes() -> None:
    """The committed file depends on it: changing the hash needs a rebuild."""
    assert lexicon.word_hash("saco") == 787674088847239228


def test_a_malformed_array_is_refused() -> None:
    with pytest.raises(ValueError, match="sorted"):
        Lexicon(np.array([3, 1, 2], dtype=np.uint64))
    with pytest.raises(ValueError, match="uint64"):
        Lexicon(np.array([1, 2, 3], dtype=np.int64))


def test_the_wheel_ships_the_data_file() -> None:
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert any(fnmatch.fnmatch(f"data/{lexicon.DATA_FILE}", p) for p in package_data["knowledge"])


def test_noisy_words_are_in_wordfreq_but_below_the_cut_off() -> None:
    """wordfreq lists frequent misspellings as words; the cut-off is what leaves them out."""
    wordfreq = pytest.importorskip("wordfreq")
    zipf = lexicon.folded_zipf(wordfreq.get_frequency_dict("es", wordlist=lexicon.WORDLIST))
    for word in NOISE:
        assert 0 < zipf[word] < lexicon.MIN_ZIPF, word
    for word in PROTECTED:
        assert zipf[word] >= lexicon.MIN_ZIPF, word


def test_rebuilding_from_wordfreq_gives_the_committed_file(tmp_path: Path) -> None:
    pytest.importorskip("wordfreq")
    target = tmp_path / lexicon.DATA_FILE
    assert lexicon.main(["build", "--output", str(target)]) == 0
    rebuilt = np.load(target, allow_pickle=False)
    assert np.array_equal(rebuilt, np.load(lexicon.data_path(), allow_pickle=False))
    assert lexicon.main(["check"]) == 0
