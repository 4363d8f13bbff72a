"""The real `caravan-atlas` console script, run as a user runs it (subprocess, no mocks).

It must be installed in the test environment (`bash scripts/setup.sh test` does that).
Tests that need the geoparser skip themselves until `geoparser` imports.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_8cc5013a2fc87902.txt"
SCRIPT = Path(sys.executable).parent / "caravan-atlas"


def run(*args: str, cwd: Path | None = None, stdin: str | bytes | None = None) -> subprocess.CompletedProcess:
    if not SCRIPT.exists():
        pytest.fail(f"{SCRIPT} is not installed: run `bash scripts/setup.sh test`")
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    proc = subprocess.run(
        [str(SCRIPT), *args], cwd=cwd or ROOT, input=data if data is not None else b"",
        capture_output=True, timeout=180,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    proc.out = proc.stdout.decode("utf-8")  # type: ignore[attr-defined]
    proc.err = proc.stderr.decode("utf-8")  # type: ignore[attr-defined]
    return proc


def run_json(*args: str, expect_rc: int = 0, **kw) -> dict:
    proc = run(*args, "--json", **kw)
    assert proc.returncode == expect_rc, proc.err
    return json.loads(proc.out)  # the WHOLE of stdout is one JSON document


def near(value: float, target: float, tol: float = 0.05) -> bool:
    return abs(value - target) <= tol


# -- geocode -------------------------------------------------------------------------------

def test_geocode_del_rio_texas_json():
    res = run_json("geocode", "Del Rio, Texas")
    assert res["query"] == "Del Rio, Texas"
    place = res["place"]
    assert place["name"] == "Del Rio"
    assert place["admin1"] == "Texas"
    assert place["country_code"] == "US"
    assert near(place["lat"], 29.36) and near(place["lon"], -100.90)
    assert set(res) == {"query", "place", "confidence", "alternatives"}


def test_geocode_mapastepec():
    place = run_json("geocode", "Mapastepec")["place"]
    assert (place["name"], place["admin1"], place["country_code"]) == ("Mapastepec", "Chiapas", "MX")
    assert near(place["lat"], 15.43, 0.1) and near(place["lon"], -92.90, 0.1)


def test_geocode_mapastepec_human_output():
    proc = run("geocode", "Mapastepec")
    assert proc.returncode == 0, proc.err
    assert "best:  Mapastepec, Chiapas, MX (city" in proc.out
    assert proc.out.splitlines()[0] == "query: Mapastepec"


def test_geocode_several_words_without_quotes():
    place = run_json("geocode", "Del", "Rio,", "Texas")["place"]
    assert place["label"] == "Del Rio, Texas, US"


def test_geocode_ciudad_de_mexico_is_mexico_city():
    res = run_json("geocode", "Ciudad de México")
    place = res["place"]
    assert place["country_code"] == "MX"
    # Mexico City itself (19.43, -99.13), not the Ciudad de México state's own point.
    assert (place["name"], place["kind"]) == ("Mexico City", "city"), place
    assert near(place["lat"], 19.43) and near(place["lon"], -99.13)


def test_geocode_escuintla_country_mx_is_in_chiapas():
    res = run_json("geocode", "Escuintla", "--country", "MX")
    assert res["place"]["admin1"] == "Chiapas"
    assert res["place"]["country_code"] == "MX"
    assert all(m["country_code"] == "MX" for m in res["alternatives"])


def test_geocode_country_is_case_insensitive():
    assert run_json("geocode", "Escuintla", "--country", "mx")["place"]["admin1"] == "Chiapas"


def test_geocode_limit_counts_best_and_alternatives():
    res = run_json("geocode", "Escuintla", "--limit", "2")
    assert len(res["alternatives"]) <= 1


def test_geocode_not_found_json_exit_1():
    proc = run("geocode", "Qwxzzyplace", "--json")
    assert proc.returncode == 1, proc.err
    res = json.loads(proc.out)
    assert res == {"query": "Qwxzzyplace", "place": None, "confidence": 0.0, "alternatives": []}


def test_geocode_not_found_human_exit_1():
    proc = run("geocode", "Qwxzzyplace")
    assert proc.returncode == 1
    assert "no place found for 'Qwxzzyplace'" in proc.out
    assert "Traceback" not in proc.err


def test_json_flag_before_the_subcommand_too():
    proc = run("--json", "geocode", "Mapastepec")
    assert proc.returncode == 0
    assert json.loads(proc.out)["place"]["name"] == "Mapastepec"


# -- geoparse ------------------------------------------------------------------------------

def _by_text(toponyms: list[dict], text: str) -> list[dict]:
    return [t for t in toponyms if t["text"] == text]


def test_geoparse_seed_resolves_tapachula_and_del_rio():
    pytest.importorskip("geoparser")
    res = run_json("geoparse", str(SEED))
    assert res["file"] == str(SEED)
    text = SEED.read_text("utf-8")
    for t in res["toponyms"]:
        assert text[t["start"]:t["end"]] == t["text"]
        assert t["kind"] in ("place", "demonym")
    tapachula = _by_text(res["toponyms"], "Tapachula")
    assert tapachula, "Tapachula not found"
    for t in tapachula:
        assert t["place"] is not None
        assert (t["place"]["name"], t["place"]["admin1"], t["place"]["country_code"]) == ("Tapachula", "Chiapas", "MX")
    del_rio = _by_text(res["toponyms"], "Del Rio")
    assert del_rio, "Del Rio not found"
    assert del_rio[0]["place"]["admin1"] == "Texas" and del_rio[0]["place"]["country_code"] == "US"


def test_geoparse_human_output():
    pytest.importorskip("geoparser")
    proc = run("geoparse", "seeds/000_8cc5013a2fc87902.txt")
    assert proc.returncode == 0, proc.err
    lines = proc.out.splitlines()
    assert lines[0].startswith("seeds/000_8cc5013a2fc87902.txt: ")
    tapachula = [ln for ln in lines if " Tapachula " in ln]
    assert tapachula and all("Tapachula, Chiapas, MX" in ln for ln in tapachula)
    assert any("Del Rio, Texas, US" in ln for ln in lines if " Del Rio " in ln)


def test_geoparse_reads_stdin():
    pytest.importorskip("geoparser")
    res = run_json("geoparse", "-", stdin="The caravan left Tapachula, Chiapas, for Mexico City.\n")
    assert res["file"] == "<stdin>"
    tap = _by_text(res["toponyms"], "Tapachula")
    assert tap and tap[0]["place"]["admin1"] == "Chiapas"


def test_geoparse_accepts_a_utf8_bom(tmp_path):
    pytest.importorskip("geoparser")
    (tmp_path / "bom.txt").write_bytes("\ufeffThey walked to Tapachula.".encode("utf-8"))
    res = run_json("geoparse", "bom.txt", cwd=tmp_path)
    assert _by_text(res["toponyms"], "Tapachula")[0]["start"] == len("They walked to ")


# -- build-index ---------------------------------------------------------------------------

def test_build_index_json():
    res = run_json("build-index")
    assert Path(res["path"]).is_file()
    assert res["places"] > 100_000 and res["names"] > res["places"]
    assert res["bytes"] == Path(res["path"]).stat().st_size


# -- bad input: one line on stderr naming the file, exit 2, no traceback ---------------------

def _write(tmp_path: Path, name: str, data: bytes | None) -> None:
    if data is None:
        (tmp_path / name).mkdir()
    else:
        (tmp_path / name).write_bytes(data)


BAD_FILES = {
    # case: (file name, contents or None for a folder or nothing, words the message must hold)
    "missing": ("x.txt", "missing", "file not found"),
    "directory": ("somedir", None, "directory"),
    "empty": ("empty.txt", b"", "empty"),
    "whitespace": ("blank.txt", b"  \n\t\r\n  \n", "whitespace"),
    "nul-bytes": ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    "latin-1": ("latin1.txt", "Ciudad de México".encode("latin-1"), "UTF-8"),
    "utf-16": ("utf16.txt", "Tapachula".encode("utf-16"), "UTF-16"),
}


@pytest.mark.parametrize("json_flag", [[], ["--json"]], ids=["human", "json"])
@pytest.mark.parametrize("case", list(BAD_FILES))
def test_geoparse_bad_file(tmp_path, case, json_flag):
    name, data, words = BAD_FILES[case]
    if data != "missing":
        _write(tmp_path, name, data)
    proc = run("geoparse", name, *json_flag, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.out == ""
    assert "Traceback" not in proc.err
    lines = proc.err.splitlines()
    assert len(lines) == 1, proc.err
    assert lines[0].startswith(f"caravan-atlas: error: {name}: "), lines[0]
    assert words in lines[0]


def test_geoparse_missing_file_in_a_subfolder(tmp_path):
    proc = run("geoparse", "seeds/x.txt", cwd=tmp_path)
    assert (proc.returncode, proc.err) == (2, "caravan-atlas: error: seeds/x.txt: file not found\n")


def test_geoparse_empty_stdin():
    proc = run("geoparse", "-", stdin=b"")
    assert proc.returncode == 2
    assert proc.err == "caravan-atlas: error: <stdin>: empty input\n"


def test_geoparse_binary_stdin():
    proc = run("geoparse", "-", "--json", stdin=b"\xff\xfe\xfa not text")
    assert proc.returncode == 2 and proc.out == ""
    assert proc.err.startswith("caravan-atlas: error: <stdin>: ") and len(proc.err.splitlines()) == 1


@pytest.mark.parametrize("name", ["", "   "], ids=["empty", "spaces"])
@pytest.mark.parametrize("json_flag", [[], ["--json"]], ids=["human", "json"])
def test_geocode_empty_name(name, json_flag):
    proc = run("geocode", name, *json_flag)
    assert proc.returncode == 2 and proc.out == ""
    assert len(proc.err.splitlines()) == 1 and "empty place name" in proc.err
    assert "Traceback" not in proc.err


@pytest.mark.parametrize("country", ["XX", "Mexico", "M"])
def test_geocode_bad_country(country):
    proc = run("geocode", "Escuintla", "--country", country, "--json")
    assert proc.returncode == 2 and proc.out == ""
    assert len(proc.err.splitlines()) == 1 and f"--country '{country}'" in proc.err
    if country == "Mexico":
        assert "did you mean --country MX?" in proc.err


@pytest.mark.parametrize("args", [
    [],                                   # no subcommand
    ["frobnicate"],                       # unknown subcommand
    ["geocode"],                          # missing NAME
    ["geocode", "Tapachula", "--limit", "0"],
    ["geocode", "Tapachula", "--limit", "many"],
    ["geoparse"],                         # missing FILE
    ["geoparse", "a.txt", "b.txt"],
], ids=lambda a: " ".join(a) or "nothing")
def test_usage_errors_exit_2(args):
    proc = run(*args)
    assert proc.returncode == 2
    assert proc.out == ""
    assert "usage: caravan-atlas" in proc.err and "Traceback" not in proc.err


def test_help_and_version():
    proc = run("--help")
    assert proc.returncode == 0
    for command in ("geocode", "geoparse", "build-index"):
        assert command in proc.out
    proc = run("--version")
    assert proc.returncode == 0 and proc.out.startswith("caravan-atlas ")


def test_python_dash_m_runs_the_same_cli():
    proc = subprocess.run([sys.executable, "-m", "caravan_atlas", "geocode", "Mapastepec", "--json"],
                          cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=180)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["place"]["admin1"] == "Chiapas"


def test_geoparse_reads_regions_oceans_rivers_and_the_capital_as_a_reader_would():
    pytest.importorskip("geoparser")
    text = ("Aid groups across the Middle East sent food. A trawler sank in the Pacific Ocean. "
            "Remittances to Latin America grew. Dozens crossed the Suchiate River on rafts. "
            "Officials in Washington said the border would stay open.\n")
    res = run_json("geoparse", "-", stdin=text)
    kinds = {t["text"]: (t["place"] or {}).get("kind") for t in res["toponyms"]}
    assert kinds["Middle East"] == kinds["Pacific Ocean"] == kinds["Latin America"] == "region", kinds
    assert kinds["Suchiate River"] == "feature"
    washington = _by_text(res["toponyms"], "Washington")[0]["place"]
    assert (washington["kind"], washington["admin1"]) == ("city", "District of Columbia")
