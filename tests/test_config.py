"""Configuration: every mistake is one line naming file:line and key; the starter file
is the defaults; the typed sections carry the merged values."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

from bulletin.audio.profiles import PROFILES
from bulletin.config import load_config, loader, schema
from bulletin.config import stages as cfg
from bulletin.config.starter import starter_text
from bulletin.core import schema as checks
from bulletin.core.errors import ConfigError
from bulletin.formats import FORMATS
from bulletin.sources import kind_names
from conftest import PAGES, run

PREAMBLE = '# mijn omroep\n[show]\ntitle = "Dorpsradio"\n\n'  # four lines: the key under test is on line 6
PLACEHOLDER_LIST = "{greeting} {clock} {date} {show} {section}"

# file text -> the message's start (file:line) and a fragment that names key and rule
BAD_CONFIGS = [
    ("[gtts]\nconcurrent = 0\n", 6, "[gtts] concurrent must be at least 1, got 0."),
    ("[gtts]\ntries = -3\n", 6, "[gtts] tries must be at least 1, got -3."),
    ("[gtts]\nrequests_per_second = 0.0\n", 6, "[gtts] requests_per_second must be more than 0, got 0.0."),
    ("[gtts]\nburst = 0\n", 6, "[gtts] burst must be at least 1, got 0."),
    ("[gtts]\ntimeout = -inf\n", 6, "[gtts] timeout must be a finite number, got -inf."),
    ("[gtts]\nconcurrent = true\n", 6, "[gtts] concurrent must be a whole number, got True."),
    ("[gtts]\nbackoff = -0.5\n", 6, "[gtts] backoff must be at least 0, got -0.5."),
    ("[gtts]\nmax_wait = 1e9\n", 6, "[gtts] max_wait must be at most 3600.0, got 1000000000.0."),
    ('[publish]\ntarget = "https://pod.example/"\n', 6, "[publish] target must be empty or s3://BUCKET/PREFIX/"),
    ('[publish]\ntarget = "s3://Pod_Bucket/x/"\n', 6, "[publish] target must be empty or s3://BUCKET/PREFIX/"),
    ('[publish]\nlease = "5"\n', 6, '[publish] lease must be a length of time such as "90s"'),
    ('[news]\nmax_age = "36"\n', 6, '[news] max_age must be a length of time such as "36h", "90m" or "7d"'),
    ('[news]\nmax_age = "400d"\n', 6, "[news] max_age must be at most a year (366d)"),
    (
        '[[sources]]\nname = "a"\nlocation = "a.txt"\nmax_age = "gisteren"\n',
        8,
        '[[sources]] max_age must be a length of time such as "36h", "90m" or "7d" ("0h": no limit)',
    ),
    ("[script]\nmax_minutes = 0\n", 6, "[script] max_minutes must be at least 1, got 0."),
    ('[cache]\nlocation = "s3://x/cache/"\n', 6, "[cache] location must be a folder or s3://BUCKET/PREFIX/"),
    (
        '[[sources]]\nname = "a"\nlocation = "a.txt"\ndrop = ["(unclosed"]\n',
        8,
        "[[sources]] drop pattern '(unclosed' is not a valid regular expression",
    ),
    ("[edge]\ntimeout = 0.0\n", 6, "[edge] timeout must be more than 0, got 0.0."),
    ("[edge]\ntries = 0\n", 6, "[edge] tries must be at least 1, got 0."),
    ("[edge]\nbackoff = -1.0\n", 6, "[edge] backoff must be at least 0, got -1.0."),
    ("[edge]\nmax_wait = nan\n", 6, "[edge] max_wait must be a finite number, got nan."),
    ("[edge]\nrequests_per_second = -4.0\n", 6, "[edge] requests_per_second must be more than 0, got -4.0."),
    ("[edge]\nconcurrent = 0\n", 6, "[edge] concurrent must be at least 1, got 0."),
    ("[edge]\nburst = 1000\n", 6, "[edge] burst must be at most 64, got 1000."),
    ('[piper]\ncatalogue = "ftp://mirror.example/voices/"\n', 6, "[piper] catalogue must be empty or an http(s) URL"),
    ("[piper]\nworkers = -1\n", 6, "[piper] workers must be at least 0, got -1."),
    ("[voice]\nfallback = []\n", 6, "[voice] fallback must be a text or a list of texts, not an empty list"),
    ('[voice]\nfallback = ["piper-x", 3]\n', 6, "[voice] fallback must be text in quotes"),
    (
        '[audio]\nformat = "no such format"\n',
        6,
        f"[audio] format must be one of {', '.join(FORMATS.names())}, got 'no such format'.",
    ),
    ("[wav]\nsample_rate = 96000\n", 6, "[wav] sample_rate must be one of 44100, 48000, got 96000."),
    ("[wav]\nbit_depth = 32\n", 6, "[wav] bit_depth must be one of 16, 24, got 32."),
    ("[audio]\nbit_depth = 16\n", 6, "[audio] bit_depth is now [wav] bit_depth; move it there."),
    ("[audio]\nwav_sample_rate = 44100\n", 6, "[audio] wav_sample_rate is now [wav] sample_rate; move it there."),
    ("[audio]\nsample_rate = 48000\n", 6, "[audio] sample_rate is now [mp3] sample_rate; move it there."),
    ("[mp3]\nbitrate = 100\n", 6, "[mp3] bitrate must be one of 32, 40, 48, 56, 64, 80, 96"),
    ("[m4a]\nbitrate = 16\n", 6, "[m4a] bitrate must be at least 32, got 16."),
    ("[m4a]\nsample_rate = 22050\n", 6, "[m4a] sample_rate must be one of 44100, 48000, got 22050."),
    ("[fetch]\ndeadline = 0\n", 6, "[fetch] deadline must be more than 0, got 0."),
    ('[daily]\napproval = "yes"\n', 6, "[daily] approval must be one of none, required, got 'yes'."),
    (
        '[daily]\napproval = "requierd"\n',
        6,
        "[daily] approval must be one of none, required (did you mean 'required'?)",
    ),
    ('[daily]\napproval_deadline = "10"\n', 6, '[daily] approval_deadline must be a length of time such as "90s"'),
    ('[daily]\napproval_deadline = "25h"\n', 6, "[daily] approval_deadline must be more than 0 and at most 24h"),
    ('[daily]\non_deadline = "drop"\n', 6, "[daily] on_deadline must be one of publish, hold, got 'drop'."),
    ("[studio]\nport = 70000\n", 6, "[studio] port must be at most 65535, got 70000."),
    ('[studio]\nhost = ""\n', 6, "[studio] host must not be empty, got ''."),
    ("[input]\nmax_mb = -1\n", 6, "[input] max_mb must be more than 0, got -1."),
    ("[script]\nmax_segments = 2\n", 6, "[script] max_segments must be at least 3, got 2."),
    ("[publish]\nretention = 0\n", 6, "[publish] retention must be at least 1, got 0."),
    ("[publish]\nretention = -5\n", 6, "[publish] retention must be at least 1, got -5."),
    (
        '[publish]\nbase_url = "example.org/nieuws/"\n',
        6,
        "[publish] base_url must be empty or an http(s) URL with a host",
    ),
    ('[publish]\nbase_url = "javascript:alert(1)"\n', 6, "got 'javascript:alert(1)'."),
    ('[publish]\nbase_url = "https://"\n', 6, "[publish] base_url must be empty or an http(s) URL"),
    (
        '[publish]\nbase_url = "https://example.org/?p=nieuws"\n',
        6,
        "[publish] base_url must be the URL of a folder, without ? or #",
    ),
    ("[publish]\nretension = 3\n", 6, "unknown key 'retension' in [publish]; did you mean 'retention'?"),
    ("[audio]\ngap_ms = -100000\n", 6, "[audio] gap_ms must be at least 0, got -100000."),
    ("[audio]\ngap_ms = 600000\n", 6, "[audio] gap_ms must be at most 10000, got 600000."),
    ('[audio]\ngap_ms = "lang"\n', 6, "[audio] gap_ms must be a whole number, got 'lang'."),
    ("[audio]\ngap_ms = 400.5\n", 6, "[audio] gap_ms must be a whole number, got 400.5."),
    ("[audio]\ngap_after_intro_ms = -1\n", 6, "[audio] gap_after_intro_ms must be at least 0, got -1."),
    ("[audio]\ngap_before_outro_ms = 20000\n", 6, "[audio] gap_before_outro_ms must be at most 10000"),
    ('[audio]\nprofile = "radio"\n', 6, f"[audio] profile must be one of {', '.join(PROFILES.names())}, got 'radio'."),
    ("[mp3]\nsample_rate = 22050\n", 6, "[mp3] sample_rate must be one of 32000, 44100, 48000, got 22050."),
    ("[fetch]\nmax_mb = -1\n", 6, "[fetch] max_mb must be more than 0, got -1."),
    ("[fetch]\ntimeout = nan\n", 6, "[fetch] timeout must be a finite number, got nan."),
    ("[fetch]\ntimeout = inf\n", 6, "[fetch] timeout must be a finite number, got inf."),
    ("[fetch]\nconnect_timeout = 0\n", 6, "[fetch] connect_timeout must be more than 0, got 0."),
    ("[fetch]\ntries = 0\n", 6, "[fetch] tries must be at least 1, got 0."),
    ("[fetch]\nbackoff = -1\n", 6, "[fetch] backoff must be at least 0, got -1."),
    ('[voice]\nengine = "festival"\n', 6, "[voice] engine must be one of auto, "),
    ('[voice]\nanchor = "  "\n', 6, "[voice] anchor must not be empty"),
    ('[script]\nintro = "{show.__class__}"\n', 6, f"[script] intro may only use the placeholders {PLACEHOLDER_LIST}"),
    ('[script]\nintro = "{show[0]}"\n', 6, "got '{show[0]}'."),
    ('[script]\noutro = "Dat was {tijd}."\n', 6, "[script] outro may only use the placeholders"),
    ('[script]\nintro = "{show!r} {clock:>20}"\n', 6, "[script] intro may only use the placeholders"),
    ('[script]\nintro = "Het is {"\n', 6, "[script] intro is not a valid template (Single '{' encountered"),
    ('[script]\nintro = "{} uur"\n', 6, "[script] intro may only use the placeholders"),
    ("[daily]\nkeep_cache_days = -1\n", 6, "[daily] keep_cache_days must be at least 0, got -1."),
    ("[sounders]\nlevel = 20.0\n", 6, "[sounders] level must be at most 10.0, got 20.0."),
    ('[sounders]\nenabled = "yes"\n', 6, "[sounders] enabled must be true or false, got 'yes'."),
    ('[output]\ndir = ""\n', 6, "[output] dir must not be empty, got ''."),
    ("[gts]\nconcurrent = 2\n", 5, "unknown section [gts]; did you mean 'gtts'?"),
    ('[gtts]\n"concurrent" = 0\n', 6, "[gtts] concurrent must be at least 1"),
    ("[gtts]\nconcurrent = \n", 6, "Invalid value (TOML syntax)."),
    ('[[sources]]\nname = "a"\n', 5, "[[sources]] number 1 has no location."),
    (
        '[[sources]]\nname = "a"\nlocation = "a.txt"\nkind = "html"\n',
        8,
        f"[[sources]] kind must be one of {', '.join(kind_names())}, got 'html'.",
    ),
    (
        '[[sources]]\nname = "a"\nlocation = "a.txt"\nmax_items = -1\n',
        8,
        "[[sources]] max_items must be at least 0, got -1.",
    ),
    (
        '[[sources]]\nname = "a"\nlocation = "javascript:alert(1)"\n',
        7,
        "[[sources]] location must be a file path or an http(s) URL with a host",
    ),
    (
        '[[sources]]\nname = "a"\nlocaton = "a.txt"\n',
        5,
        "[[sources]] number 1 has no location; is 'locaton' meant to be 'location'?",
    ),
    (
        '[[sources]]\nname = "a"\nlocation = "a.txt"\nannounse = "Dorp."\n',
        8,
        "unknown key 'announse' in [[sources]]; did you mean 'announce'?",
    ),
    (
        '[[sources]]\nname = "a"\nlocation = "a.txt"\n\n[[sources]]\nname = "a"\nlocation = "b.txt"\n',
        9,
        "[[sources]] name 'a' is used twice",
    ),
    ('[sources]\nname = "a"\n', 5, "sources are [[sources]] tables"),
    ("[show]\n", 5, "Cannot declare ('show',) twice (TOML syntax)."),  # the preamble opened [show]
]

WHOLE_FILES = [  # rows without the preamble: [show] keys, and keys before any [section]
    ("# omroep\naudio = 5\n", 2, "[audio] must be a table of settings, got 5."),
    ('title = "x"\n', 1, "unknown section [title]; known: show, publish"),
    ("# omroep\n\ngtts.concurrent = 0\n", 3, "[gtts] concurrent must be at least 1, got 0."),
    ("gtts = { tries = 2, concurrent = 0 }\n", 1, "[gtts] concurrent must be at least 1, got 0."),
    ('[show]\ntimezone = "Mars/Olympus"\n', 2, '[show] timezone must be a time zone name such as "Europe/Amsterdam"'),
    ('[show]\ntimezone = "Europe"\n', 2, "[show] timezone must be a time zone name"),
    ('[show]\nowner_email = "redactie"\n', 2, "[show] owner_email must be empty or an e-mail address"),
    ('[show]\nlink = "ftp://example.org/"\n', 2, "[show] link must be empty or an http(s) URL with a host"),
    ('[show]\nlanguage = "Nederlands"\n', 2, '[show] language must be a language code such as "nl"'),
    ('[show]\ntitle = ""\n', 2, "[show] title must not be empty"),
    ("[show]\nexplicit = 0\n", 2, "[show] explicit must be true or false, got 0."),
    ('[show]\nguid = "mijn-podcast"\n', 2, "[show] guid must be empty or a UUID"),
    ('[show]\nguid = "{917393E3-1B1E-5CEF-ACE4-EDAA54E1F810}"\n', 2, "[show] guid must be empty or a UUID"),
    ('[show]\nguid = "00000000-0000-0000-0000-000000000000"\n', 2, "[show] guid must be empty or a UUID"),
    (
        '[publish]\nnew_feed_url = "nieuw.example.org/feed.xml"\n',
        2,
        "[publish] new_feed_url must be empty or an http(s) URL",
    ),
]


def _message(text: str) -> str:
    Path("bulletin.toml").write_text(text, "utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config()  # ./bulletin.toml: the test runs in its own folder
    return str(raised.value)


@pytest.mark.parametrize(("text", "line", "says"), BAD_CONFIGS)
def test_a_bad_config_is_one_line_with_file_line_and_key(text, line, says):
    message = _message(PREAMBLE + text)
    assert "\n" not in message
    assert message.startswith(f"bulletin.toml:{line}: "), message
    assert says in message


@pytest.mark.parametrize(("text", "line", "says"), WHOLE_FILES)
def test_a_bad_whole_file_names_its_line(text, line, says):
    message = _message(text)
    assert message.startswith(f"bulletin.toml:{line}: ") and says in message, message


def test_every_key_of_the_schema_is_covered_by_a_bad_row_or_takes_any_text():
    """A key without a check must be free text (or a flag) by design, not by forgetting. The
    sections engines and formats declare are covered for each of them below."""
    tested = {
        re.search(r"\[(\w+)\] (\w+)", says).groups()
        for _, _, says in BAD_CONFIGS + WHOLE_FILES
        if re.search(r"\[(\w+)\] (\w+) (must|may|is)", says)
    }
    for section in schema.static_sections():
        for name, key in schema.sections()[section].items():
            if key.checks:
                assert (section, name) in tested or key.checks == (checks.filled,), (section, name)


def _wrong_type(key: checks.Key) -> object:
    """A value of the wrong type for ``key``, and what the message says about it."""
    return ["a", "list"] if key.kind in (str, int, float, bool) else {"a": "table"}


@pytest.mark.parametrize(
    ("section", "name"),
    [(section, name) for section in schema.registered_sections() for name in schema.sections()[section]],
)
def test_every_key_an_engine_or_format_declares_is_checked_with_file_and_line(section, name):
    key = schema.sections()[section][name]
    value = _wrong_type(key)
    message = _message(
        f"{PREAMBLE}[{section}]\n{name} = {json.dumps(value) if isinstance(value, list) else '{ a = 1 }'}\n"
    )
    assert message.startswith(f"bulletin.toml:6: [{section}] {name} must be"), message


# --- command-line options -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "says"),
    [
        (
            {"publish.base_url": "javascript:alert(1)"},
            "command line: [publish] base_url must be empty or an http(s) URL",
        ),
        ({"audio.profile": "loud"}, f"command line: [audio] profile must be one of {', '.join(PROFILES.names())}"),
        ({"voice.engine": "festival"}, "command line: [voice] engine must be one of auto"),
        ({"output.dir": ""}, "command line: [output] dir must not be empty"),
    ],
)
def test_options_are_checked_like_the_file(overrides, says):
    with pytest.raises(ConfigError, match=re.escape(says)):
        load_config(overrides=overrides)


def test_an_option_overrides_the_file_and_is_typed(tmp_path):
    Path("bulletin.toml").write_text('[fetch]\ntimeout = 30\n[publish]\nbase_url = "https://a.example/"\n', "utf-8")
    config = load_config(overrides={"publish.base_url": "https://b.example/nieuws/", "audio.profile": None})
    assert config.settings.publish.base_url == "https://b.example/nieuws/"
    assert config.settings.fetch.timeout == 30.0 and isinstance(config.settings.fetch.timeout, float)
    assert config.settings.section("fetch") is config.settings.fetch
    assert config.settings.audio.profile == "podcast"  # None: the default stands
    assert cfg.fetch_settings(config).timeout == 30.0


# --- through the CLI ----------------------------------------------------------------------------


@pytest.mark.parametrize("engine", [[], ["--engine", "auto"], ["--engine", "gtts"]])
def test_impossible_engine_setting_exits_1_before_any_synthesis(tmp_path, engine):
    config = tmp_path / "omroep.toml"
    config.write_text('[show]\ntitle = "Dorpsradio"\n\n[gtts]\nrequests_per_second = 2.0\nconcurrent = 0\n', "utf-8")
    out = tmp_path / "out"
    result = run("build", str(PAGES / "kort.txt"), "--config", str(config), "-o", str(out), *engine)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [f"Error: {config}:6: [gtts] concurrent must be at least 1, got 0."]
    assert not out.exists()


def test_bad_option_exits_1_naming_the_setting(tmp_path):
    out = tmp_path / "out"
    result = run("build", str(PAGES / "kort.txt"), "--base-url", "javascript:alert(1)", "-o", str(out))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: command line: [publish] base_url must be")
    assert len(result.stderr.strip().splitlines()) == 1 and not out.exists()


def test_init_writes_a_starter_that_loads_as_the_defaults(tmp_path):
    result = run("init")
    assert result.exit_code == 0, result.stderr
    loaded = load_config(Path("bulletin.toml"))
    assert loaded.values() == loader.defaults() and loaded.sources == ()
    again = run("init")
    assert again.exit_code == 1 and "--force" in again.stderr  # not a usage mistake: the file is there
    built = run("script", str(PAGES / "kort.txt"), "--at", "2026-11-27T08:15")
    assert built.exit_code == 0, built.stderr
    assert built.stdout.startswith("Nieuwsbulletin")


# --- the starter file ---------------------------------------------------------------------------


def _settings_lines(text: str) -> dict[tuple[str, str], str]:
    """(section, key) -> its line in the starter, commented out or not (not the [[sources]] example)."""
    sections, section, found = schema.sections(), None, {}
    for line in text.splitlines():
        header = re.fullmatch(r"\[(\w+)\]", line)
        section = header.group(1) if header else section
        key = re.match(r"(?:# )?(\w+) = ", line)
        if key and section and key.group(1) in sections[section]:
            assert (section, key.group(1)) not in found, f"[{section}] {key.group(1)} twice"
            found[section, key.group(1)] = line
    return found


def _uncommented(text: str) -> str:
    """The starter with every commented-out setting switched on."""
    switch_on = {line for line in _settings_lines(text).values() if line.startswith("# ")}
    return "\n".join(line[2:] if line in switch_on else line for line in text.splitlines())


def test_starter_holds_every_key_with_its_default_and_meaning():
    text = starter_text()
    assert tomllib.loads(_uncommented(text)) == loader.defaults()  # every key with its default (plugins' too)
    lines = _settings_lines(text)
    assert set(lines) == {(section, name) for section, keys in schema.sections().items() for name in keys}
    for (section, name), line in lines.items():
        assert re.search(r"\S\s+# \w", line), f"[{section}] {name} has no meaning: {line!r}"


def test_starter_file_loads_back_to_exactly_the_defaults(tmp_path):
    starter = tmp_path / "bulletin.toml"
    starter.write_text(starter_text(), "utf-8")
    assert load_config(starter).values() == load_config().values()  # no ./bulletin.toml: the defaults
    switched_on = tmp_path / "all.toml"
    switched_on.write_text(_uncommented(starter_text()), "utf-8")
    everything = load_config(switched_on)
    for section, keys in schema.sections().items():
        for name, key in keys.items():
            if not key.path:  # paths are made absolute, relative to the file
                assert everything.values()[section][name] == load_config().values()[section][name], (section, name)


def test_defaults_pass_their_own_schema():
    defaults = loader.defaults()
    for section, keys in schema.sections().items():
        for name, key in keys.items():
            key.conform(defaults[section][name])


def test_a_key_in_only_one_of_defaults_and_schema_is_caught(monkeypatch):
    text = loader.defaults_text().replace("[gtts]\n", "[gtts]\nvoices = 3                  # new\n")
    monkeypatch.setattr(loader, "defaults_text", lambda: text)
    with pytest.raises(RuntimeError, match=re.escape("defaults.toml and the schema disagree on [gtts]")):
        load_config()


# --- what a good file gives ---------------------------------------------------------------------


def test_sources_and_paths_are_read_relative_to_the_file(tmp_path):
    folder = tmp_path / "omroep"
    folder.mkdir()
    (folder / "bulletin.toml").write_text(
        '[cache]\ndir = "cache"\n\n[[sources]]\nname = "dorp"\nlocation = "dorp.txt"\nmax_items = 3\n\n'
        '[[sources]]\nname = "web"\nlocation = "https://example.org/nieuws.rss"\nkind = "rss"\n',
        "utf-8",
    )
    config = load_config(folder / "bulletin.toml")
    assert config.settings.cache.dir == str(folder / "cache")
    local, web = config.sources
    assert (local.location, local.max_items, local.kind) == (str(folder / "dorp.txt"), 3, "auto")
    assert (web.location, web.kind) == ("https://example.org/nieuws.rss", "rss")


def test_engine_sections_come_typed():
    Path("bulletin.toml").write_text("[gtts]\nconcurrent = 2\nmax_wait = 5\n", "utf-8")
    section = cfg.engine_section(load_config(), "gtts")
    assert (section.concurrent, section.max_wait, section.tries) == (2, 5.0, 5)
    assert cfg.engine_section(load_config(), "espeak") is None  # espeak has no section of its own


def test_an_override_is_checked_and_leaves_the_rest():
    config = load_config()
    quiet = config.override({"sounders.enabled": False, "audio.format": "wav"})
    assert (quiet.settings.sounders.enabled, quiet.settings.audio.format) == (False, "wav")
    assert quiet.settings.show == config.settings.show and config.settings.sounders.enabled
    with pytest.raises(ConfigError, match=re.escape("command line: [audio] format must be one of")):
        config.override({"audio.format": "no such format"})


def test_a_list_key_checks_each_item():
    """For keys such as a source's list of words to drop: a TOML array of the item type."""
    key = checks.Key("drop", tuple[str, ...], (checks.filled,))
    assert key.conform(["sport", "weer"]) == ("sport", "weer")
    for bad, says in [
        ("sport", "must be a list of text in quotes"),
        (["sport", 3], "must be text in quotes"),
        (["sport", " "], "must not be empty"),
    ]:
        with pytest.raises(checks.Invalid, match=says):
            key.conform(bad)
