"""Piper for real: piper-tts and onnxruntime run a tiny generated model (tiny_piper.py);
voices are downloaded from a loopback catalogue laid out like Piper's (fake_catalogue.py)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from mutagen.id3 import ID3

from bulletin.cli import cli
from bulletin.core.errors import ConfigError, EngineError
from bulletin.tts.cache import segment_key
from conftest import PAGES, built_engine, cli_runner, decode, lufs
from fake_catalogue import Catalogue
from tiny_piper import SAMPLE_RATE, SAMPLES_PER_ID, make_voice

NAME = "nl_NL-test-low"
TEXT = "Goedemorgen, het is acht uur. Het kabinet trekt extra geld uit voor dijken."


@pytest.fixture
def model(tmp_path) -> Path:
    return make_voice(tmp_path / "models", NAME)


@pytest.fixture
def catalogue(tmp_path):
    served = Catalogue()
    yield served
    served.stop()


def installed_dir(tmp_path: Path) -> Path:
    return tmp_path / "data" / "bulletin" / "piper"  # XDG_DATA_HOME is tmp_path/data (conftest)


def test_piper_speaks_every_phoneme_and_marks_every_word(model):
    from piper import PiperVoice

    speech = built_engine("piper", {"model": str(model)}).synthesize(TEXT)
    reference = PiperVoice.load(model)  # piper's own phonemizer: how many ids the model was given
    sentences = ["Goedemorgen, het is acht uur.", "Het kabinet trekt extra geld uit voor dijken."]
    ids = sum(len(reference.phonemes_to_ids(p)) for s in sentences for p in reference.phonemize(s))
    assert speech.sample_rate == SAMPLE_RATE
    assert len(speech.samples) == ids * SAMPLES_PER_ID
    words = [i for i, c in enumerate(TEXT) if c != " " and (i == 0 or TEXT[i - 1] == " ")]
    assert [m.char for m in speech.marks] == words  # one mark per word, from the alignments
    samples = [m.sample for m in speech.marks]
    assert samples == sorted(samples) and samples[-1] < len(speech.samples)
    assert speech.samples.dtype.name == "int16" and abs(int(speech.samples.max())) > 10000


def test_audio_is_a_function_of_the_text(model):
    engine = built_engine("piper", {"model": str(model)})
    once, again, other = (engine.synthesize(t).samples for t in ("Het nieuws.", "Het nieuws.", "Het weer."))
    assert (once == again).all()
    assert len(once) != len(other) or (once != other).any()


def test_segments_are_spoken_concurrently_in_order(model):
    engine = built_engine("piper", {"model": str(model)}, workers=2)
    texts = ["Eén.", "Twee zinnen hier. En nog een.", "Drie."]
    done = []
    speeches = engine.synthesize_many(texts, lambda index, _speech: done.append(index))
    assert [len(s.samples) for s in speeches] == [len(engine.synthesize(t).samples) for t in texts]
    assert sorted(done) == [0, 1, 2]


def test_cache_key_follows_the_model_bytes(model, tmp_path):
    same = built_engine("piper", {"model": str(model)})
    other = built_engine("piper", {"model": str(make_voice(tmp_path / "other", NAME, variant=0.01))})
    assert segment_key(same, "Hallo.") == segment_key(built_engine("piper", {"model": str(model)}), "Hallo.")
    assert segment_key(same, "Hallo.") != segment_key(other, "Hallo.")


def test_missing_model_cannot_run_and_bad_options_are_config_errors(tmp_path):
    with pytest.raises(EngineError, match="not found"):
        built_engine("piper", {"model": str(tmp_path / "nope.onnx")}).check()
    with pytest.raises(ConfigError, match=re.escape("options.model")):
        built_engine("piper", {})
    with pytest.raises(ConfigError, match="length_scale"):
        built_engine("piper", {"model": "x.onnx", "length_scale": 9.0})


def test_download_verifies_and_installs_then_builds_and_inspects(model, catalogue, tmp_path):
    catalogue.add_voice(model)
    base = catalogue.start()
    got = cli_runner().invoke(cli, ["voices", "download", NAME, "--from", base])
    assert got.exit_code == 0, got.output
    folder = installed_dir(tmp_path) / NAME
    assert (folder / f"{NAME}.onnx").read_bytes() == model.read_bytes()
    assert json.loads((folder / f"{NAME}.onnx.json").read_text())["audio"]["sample_rate"] == SAMPLE_RATE
    assert sorted(p.name for p in installed_dir(tmp_path).iterdir()) == [NAME]  # no partials left

    listed = cli_runner().invoke(cli, ["voices"]).stdout.splitlines()
    assert any(line.startswith(f"piper-{NAME}:") and line.endswith("(piper, nl, offline) - ready") for line in listed)

    out = tmp_path / "out"
    built = cli_runner().invoke(
        cli,
        [
            "build",
            str(PAGES / "kort.txt"),
            "--engine",
            "piper",
            "--voice",
            f"piper-{NAME}",
            "-o",
            str(out),
            "--at",
            "2026-11-27T08:15",
            "--no-sounders",
        ],
    )
    assert built.exit_code == 0, built.output + built.stderr
    mp3 = Path(built.stdout.splitlines()[0])
    assert "piper" in str(ID3(str(mp3))["TENC"])
    assert lufs(decode(mp3)) == pytest.approx(-16, abs=1)
    inspected = cli_runner().invoke(cli, ["inspect", str(mp3), "--format", "json"])
    assert "piper" in json.dumps(json.loads(inspected.stdout), ensure_ascii=False)


@pytest.mark.parametrize("tampered", [".onnx", ".onnx.json"])
def test_a_tampered_file_is_refused_and_nothing_installed(model, catalogue, tmp_path, tampered):
    catalogue.add_voice(model, tamper=tampered)
    got = cli_runner().invoke(cli, ["voices", "download", NAME, "--from", catalogue.start()])
    assert got.exit_code == 1
    lines = got.stderr.strip().splitlines()
    assert len(lines) == 1 and "does not match voices.json" in lines[0] and "nothing was installed" in lines[0]
    assert not (installed_dir(tmp_path) / NAME).exists()
    assert f"piper-{NAME}" not in cli_runner().invoke(cli, ["voices"]).stdout


def test_an_interrupted_download_resumes(model, catalogue, tmp_path):
    catalogue.add_voice(model)
    base = catalogue.start()
    size = model.stat().st_size
    partial = installed_dir(tmp_path) / ".partial" / NAME / model.name
    partial.parent.mkdir(parents=True)
    partial.write_bytes(model.read_bytes()[: size // 2])  # what an interrupted run left
    assert cli_runner().invoke(cli, ["voices", "download", NAME, "--from", base]).exit_code == 0
    ranges = [r for path, r in catalogue.requests if path.endswith(".onnx")]
    assert ranges == [f"bytes={size // 2}-"]
    config_size = model.with_name(model.name + ".json").stat().st_size
    assert catalogue.served == len(catalogue.files["voices.json"]) + (size - size // 2) + config_size
    assert (installed_dir(tmp_path) / NAME / model.name).read_bytes() == model.read_bytes()


def test_unknown_voice_and_unreachable_catalogue_are_one_line_errors(model, catalogue):
    catalogue.add_voice(model)
    base = catalogue.start()
    missing = cli_runner().invoke(cli, ["voices", "download", "nl_NL-nope-low", "--from", base])
    assert missing.exit_code == 1 and "not in" in missing.stderr and NAME in missing.stderr
    catalogue.stop()
    gone = cli_runner().invoke(cli, ["voices", "download", NAME, "--from", base])
    assert gone.exit_code == 1 and len(gone.stderr.strip().splitlines()) == 1 and "cannot download" in gone.stderr
    catalogue.start()  # the fixture stops it again


def test_add_installs_a_model_under_a_name(model, tmp_path):
    got = cli_runner().invoke(cli, ["voices", "add", str(model), "--name", "nl_NL-eigen-low"])
    assert got.exit_code == 0, got.output
    assert (installed_dir(tmp_path) / "nl_NL-eigen-low" / "nl_NL-eigen-low.onnx").read_bytes() == model.read_bytes()
    assert "piper-nl_NL-eigen-low" in cli_runner().invoke(cli, ["voices"]).stdout
    os.remove(model.with_name(model.name + ".json"))
    lonely = cli_runner().invoke(cli, ["voices", "add", str(model)])
    assert lonely.exit_code == 1 and "onnx.json" in lonely.stderr


def test_fallback_list_reads_the_whole_bulletin_with_the_first_voice_that_works(model, tmp_path, google):
    import requests

    cli_runner().invoke(cli, ["voices", "add", str(model)])
    google.fail_always(requests.exceptions.ConnectionError("offline"))
    config = tmp_path / "bulletin.toml"
    config.write_text('[voice]\nfallback = ["piper-nl_NL-test-low", "espeak-nl"]\n[gtts]\nbackoff = 0.01\n', "utf-8")
    got = cli_runner().invoke(
        cli,
        [
            "build",
            str(PAGES / "kort.txt"),
            "--config",
            str(config),
            "-o",
            str(tmp_path / "o"),
            "--at",
            "2026-11-27T08:15",
            "--no-sounders",
        ],
    )
    assert got.exit_code == 0, got.stderr
    assert "read by piper-nl_NL-test-low instead" in got.stderr
    tags = str(ID3(got.stdout.splitlines()[0])["TENC"])
    assert "piper" in tags and "espeak" not in tags and "gtts" not in tags


def _junk_model(model: Path) -> Path:
    """Bytes no runtime can load, beside a good config."""
    fake = model.with_name("fake.onnx")
    fake.write_bytes(b"junk\n")
    fake.with_name("fake.onnx.json").write_bytes(model.with_name(model.name + ".json").read_bytes())
    return fake


def _empty_config(model: Path) -> Path:
    fake = model.with_name("fake.onnx")
    fake.write_bytes(model.read_bytes())
    fake.with_name("fake.onnx.json").write_text("{}", "utf-8")
    return fake


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (_junk_model, "fake.onnx is not a model onnxruntime can load"),
        (
            _empty_config,
            "fake.onnx.json is not a Piper voice config: it has no num_symbols, num_speakers, "
            "audio.sample_rate, espeak.voice, phoneme_id_map",
        ),
        (lambda model: model.with_name("nowhere.onnx"), "nowhere.onnx does not exist"),
    ],
)
def test_add_refuses_what_piper_cannot_use_and_installs_nothing(model, tmp_path, make, says):
    got = cli_runner().invoke(cli, ["voices", "add", str(make(model))])
    assert got.exit_code == 1, got.output
    (line,) = got.stderr.splitlines()
    assert line.startswith("Error: ") and says in line, line
    assert not installed_dir(tmp_path).exists() or not any(installed_dir(tmp_path).iterdir())


def test_download_refuses_a_model_that_does_not_load(model, catalogue, tmp_path):
    model.write_bytes(b"junk\n")  # the catalogue's sizes and digests match the junk: only loading finds it
    catalogue.add_voice(model)
    got = cli_runner().invoke(cli, ["voices", "download", NAME, "--from", catalogue.start()])
    assert got.exit_code == 1 and "is not a model onnxruntime can load" in got.stderr, got.output
    assert not (installed_dir(tmp_path) / NAME).exists()


def _install_behind_its_back(model: Path, tmp_path: Path) -> None:
    """A voice whose model was damaged after it was installed."""
    folder = installed_dir(tmp_path) / "nl_NL-stuk-low"
    folder.mkdir(parents=True)
    (folder / "nl_NL-stuk-low.onnx").write_bytes(b"junk\n")
    (folder / "nl_NL-stuk-low.onnx.json").write_bytes(model.with_name(model.name + ".json").read_bytes())


@pytest.mark.parametrize(("engine", "exit_code"), [("piper", 3), ("auto", 0)])
def test_a_model_that_fails_to_load_is_an_engine_error(model, tmp_path, engine, exit_code):
    _install_behind_its_back(model, tmp_path)
    config = tmp_path / "bulletin.toml"
    config.write_text('[voice]\nfallback = "espeak-nl"\n', "utf-8")
    got = cli_runner().invoke(
        cli,
        [
            "say",
            "hallo",
            "--voice",
            "piper-nl_NL-stuk-low",
            "--engine",
            engine,
            "--config",
            str(config),
            "-o",
            str(tmp_path / "x.mp3"),
        ],
    )
    assert got.exit_code == exit_code, got.output
    assert "piper could not load" in got.stderr and "Traceback" not in got.stderr
    assert (tmp_path / "x.mp3").exists() is (exit_code == 0)  # auto: espeak read it instead


def test_strict_piper_without_a_voice_cannot_be_used_and_says_how_to_get_one(tmp_path):
    got = cli_runner().invoke(cli, ["build", str(PAGES / "kort.txt"), "--engine", "piper", "-o", str(tmp_path / "o")])
    assert got.exit_code == 3, got.output
    assert "bulletin voices download nl_NL-mls-medium" in got.stderr and not (tmp_path / "o").exists()


def test_strict_piper_uses_the_named_voice(model, tmp_path):
    assert cli_runner().invoke(cli, ["voices", "add", str(model), "--name", "nl_NL-eigen-low"]).exit_code == 0
    got = cli_runner().invoke(
        cli, ["say", "hallo", "--voice", "piper-nl_NL-eigen-low", "--engine", "piper", "-o", str(tmp_path / "x.mp3")]
    )
    assert got.exit_code == 0, got.output
    assert got.stdout.splitlines()[1].endswith("(piper-nl_NL-eigen-low)")
