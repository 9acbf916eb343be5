"""Publishing, checked with real clients: feedparser for the feed, an HTTP client
against `bulletin serve`, headless Chromium playing the MP3, a killed publish."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import urllib.request
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.error import HTTPError
from xml.etree import ElementTree

import feedparser
import pytest
from mutagen.mp3 import MP3

from bulletin.publish.feed import podcast_guid
from bulletin.publish.server import make_server
from conftest import PAGES, decode, lufs, run, served, true_peak_dbtp, wait_until

BASE = "https://nieuws.example.org/bulletin/"
ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
PODCAST = "{https://podcastindex.org/namespace/1.0}"


def build(out: Path, when: str, page: Path = PAGES / "kort.txt", *extra: str) -> Path:
    result = run(
        "build",
        str(page),
        "--engine",
        "espeak",
        "--no-sounders",
        "-o",
        str(out),
        "--at",
        when,
        "-q",
        "--base-url",
        BASE,
        *extra,
    )
    assert result.exit_code == 0, result.stderr
    return Path(result.stdout.strip())


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Three bulletins built at different times, then published."""
    out = tmp_path_factory.mktemp("site")
    mp3s = [build(out, f"2026-11-27T{hh}:00") for hh in ("07", "09", "08")]
    result = run("publish", "-o", str(out), "--base-url", BASE)
    assert result.exit_code == 0, result.stderr
    return out, mp3s


@pytest.fixture(scope="module")
def server(site):
    out, _ = site
    httpd = make_server(out, "127.0.0.1", 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def local(url: str, server: str) -> str:
    assert url.startswith(BASE)
    return server + url[len(BASE) :]


def fetch(url: str, headers: dict[str, str] | None = None, method: str = "GET"):
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, dict(response.headers), response.read()
    except HTTPError as error:
        return error.code, dict(error.headers), error.read()


# --- the podcast feed ------------------------------------------------------------------


def test_feedparser_sees_three_items_newest_first(site):
    out, mp3s = site
    feed = feedparser.parse(str(out / "feed.xml"))
    assert not feed.bozo, feed.get("bozo_exception")
    assert len(feed.entries) == 3
    published = [parsedate_to_datetime(e.published) for e in feed.entries]
    assert published == sorted(published, reverse=True)
    by_time = {p.hour: e for p, e in zip(published, feed.entries, strict=False)}
    for mp3 in mp3s:
        entry = by_time[int(mp3.name[-8:-6])]
        (enclosure,) = entry.enclosures
        assert enclosure.href == BASE + served(mp3).relative_to(out).as_posix()
        assert int(enclosure.length) == mp3.stat().st_size
        assert enclosure.type == "audio/mpeg"
        assert int(entry.itunes_duration) == round(MP3(str(mp3)).info.length)
        assert entry.id.startswith("urn:uuid:")
    assert len({e.id for e in feed.entries}) == 3


def texts(*allowed: str):
    """Every element found reads one of ``allowed``."""
    return lambda found: all(e.text in allowed for e in found)


def attributes(**expected: str):
    """Every element found carries these attribute values."""
    return lambda found: all(all(e.get(k) == v for k, v in expected.items()) for e in found)


def image(found) -> bool:
    return all(e.get("href").startswith(BASE) and e.get("href").endswith((".jpg", ".png")) for e in found)


def transcripts(found) -> bool:
    """Each item links both transcripts (two per item)."""
    kinds = [e.get("type") for e in found]
    return (
        len(kinds) == 6
        and sorted(set(kinds)) == ["application/x-subrip", "text/vtt"]
        and kinds.count("text/vtt") == kinds.count("application/x-subrip")
    )


# Apple's and Podcast Index's feed rules: where each tag is, and what it must say for this show
# (the defaults, and BASE as base_url).
RULES = [
    ("channel title", "channel/title", texts("Nieuwsbulletin")),
    ("channel description", "channel/description", texts("Het nieuws van het moment, voorgelezen als radiobulletin.")),
    ("channel link is the base_url", "channel/link", texts(BASE)),
    ("channel language nl", "channel/language", texts("nl")),
    ("itunes:image", f"channel/{ITUNES}image", image),
    (
        "itunes:category News > Daily News",
        f"channel/{ITUNES}category",
        lambda found: found[0].get("text") == "News" and found[0][0].get("text") == "Daily News",
    ),
    ("itunes:explicit false", f"channel/{ITUNES}explicit", texts("false")),
    ("itunes:author", f"channel/{ITUNES}author", texts("bulletin")),
    ("itunes:type episodic", f"channel/{ITUNES}type", texts("episodic")),
    ("podcast:guid", f"channel/{PODCAST}guid", texts(podcast_guid("nieuws.example.org/bulletin/feed.xml"))),
    ("podcast:locked yes", f"channel/{PODCAST}locked", texts("yes")),
    ("podcast:medium podcast", f"channel/{PODCAST}medium", texts("podcast")),
    ("item guid not a permalink", "channel/item/guid", attributes(isPermaLink="false")),
    ("item pubDate", "channel/item/pubDate", lambda found: all(parsedate_to_datetime(e.text).tzinfo for e in found)),
    ("item enclosure", "channel/item/enclosure", attributes(type="audio/mpeg")),
    (
        "item itunes:duration in seconds",
        f"channel/item/{ITUNES}duration",
        lambda found: all(e.text.isdigit() for e in found),
    ),
    ("item itunes:episodeType full", f"channel/item/{ITUNES}episodeType", texts("full")),
    ("item itunes:image", f"channel/item/{ITUNES}image", image),
    ("item podcast:transcript", f"channel/item/{PODCAST}transcript", transcripts),
    ("item podcast:chapters", f"channel/item/{PODCAST}chapters", attributes(type="application/json+chapters")),
]


@pytest.mark.parametrize(("rule", "path", "holds"), RULES, ids=[r for r, _, _ in RULES])
def test_apple_and_podcast_index_rules(site, rule, path, holds):
    root = ElementTree.parse(site[0] / "feed.xml").getroot()
    found = root.findall(path)
    assert found, f"missing: {rule}"
    assert holds(found), [(e.text, e.attrib) for e in found]


def test_every_url_in_the_feed_is_absolute_and_ascii(site):
    root = ElementTree.parse(site[0] / "feed.xml").getroot()
    urls = [e.get("url") or e.get("href") for e in root.iter() if e.get("url") or e.get("href")]
    assert urls and all(url.isascii() and url.startswith(("https://", "http://")) for url in urls)


def test_podcast_guid_follows_the_namespace_spec():
    # The example in the Podcast Index namespace documentation.
    assert podcast_guid("https://mp3s.nashownotes.com/pc20rss.xml") == "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    assert podcast_guid("mp3s.nashownotes.com/pc20rss.xml/") == "917393e3-1b1e-5cef-ace4-edaa54e1f810"


def test_republishing_updates_never_duplicates(tmp_path):
    build(tmp_path, "2026-11-27T07:00")
    assert run("publish", "-o", str(tmp_path), "--base-url", BASE).exit_code == 0
    first = feedparser.parse(str(tmp_path / "feed.xml"))
    build(tmp_path, "2026-11-27T07:00", PAGES / "europa.txt")  # another page, same slot? no: other section
    build(tmp_path, "2026-11-27T07:00")  # the same bulletin again
    assert run("publish", "-o", str(tmp_path), "--base-url", BASE).exit_code == 0
    again = feedparser.parse(str(tmp_path / "feed.xml"))
    ids = [e.id for e in again.entries]
    assert len(ids) == len(set(ids)) == 2
    assert first.entries[0].id in ids


def test_retention_keeps_the_newest_and_can_delete_old_audio(tmp_path):
    mp3s = [build(tmp_path, f"2026-11-2{day}T08:00") for day in (4, 5, 6)]
    config = tmp_path / "bulletin.toml"
    config.write_text("[publish]\nretention = 2\ndelete_old_audio = true\n", "utf-8")
    result = run("publish", "-o", str(tmp_path), "--base-url", BASE, "--config", str(config))
    assert result.exit_code == 0 and "1 removed" in result.stdout
    feed = feedparser.parse(str(tmp_path / "feed.xml"))
    assert [e.enclosures[0].href.rsplit("/", 3)[1] for e in feed.entries] == ["2026-11-26", "2026-11-25"]
    assert not mp3s[0].exists() and not mp3s[0].parent.parent.exists()  # every file of it, and its folders
    assert mp3s[1].exists() and mp3s[2].exists()


def test_text_from_news_pages_is_escaped(tmp_path):
    page = tmp_path / "lastig.txt"
    page.write_text(
        'Kop met <b>&]]> erin\nDEN HAAG (ANP) - Tekst met <b>vet</b> & "]]>" en een \x07 bel, '
        "een verhaal dat lang genoeg is om als nieuwsbericht door te gaan.\n",
        "utf-8",
    )
    build(tmp_path / "out", "2026-11-27T08:00", page)
    assert run("publish", "-o", str(tmp_path / "out"), "--base-url", BASE).exit_code == 0
    raw = (tmp_path / "out/feed.xml").read_bytes()
    root = ElementTree.fromstring(raw)  # valid XML
    item = root.find("channel/item")
    # The description is HTML (as readers and validators take it): read as HTML, it says what the page did.
    assert "Kop met <b>&]]> erin" in html_as_text(item.find("description").text)
    feed = feedparser.parse(raw)
    assert not feed.bozo
    assert "Kop met <b>&]]> erin" in html_as_text(feed.entries[0].summary)  # as a reader shows it


def html_as_text(markup: str) -> str:
    """What a browser shows of ``markup``: its text (a tag shows as nothing), paragraphs on lines
    of their own. Text that was not escaped for HTML comes out otherwise than written."""
    from html.parser import HTMLParser

    shown: list[str] = []
    parser = HTMLParser(convert_charrefs=True)
    parser.handle_data = shown.append  # type: ignore[method-assign]
    parser.handle_starttag = lambda tag, _attrs: shown.append("\n" if tag == "p" else "")  # type: ignore[method-assign]
    parser.feed(markup)
    parser.close()
    return "".join(shown)


def test_publishing_needs_a_base_url(tmp_path):
    build(tmp_path, "2026-11-27T08:00")
    result = run("publish", "-o", str(tmp_path))
    assert result.exit_code == 1 and "base_url" in result.stderr


def test_build_publish_without_a_base_url_says_so_before_building(tmp_path):
    out = tmp_path / "out"
    result = run("build", str(PAGES / "kort.txt"), "--engine", "espeak", "-o", str(out), "--publish")
    assert result.exit_code == 1, result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith("Error: publishing needs the address the output folder is served from")
    assert result.stdout == ""
    assert not out.exists()  # nothing was built


def test_nothing_to_publish(tmp_path):
    result = run("publish", "-o", str(tmp_path / "leeg"), "--base-url", BASE)
    assert result.exit_code == 1 and "nothing to publish" in result.stderr


# --- Alexa ------------------------------------------------------------------------------------


def test_alexa_feed_holds_the_same_bulletins_in_its_own_rendition(site, server):
    out, _mp3s = site
    items = json.loads((out / "flash-briefing.json").read_text("utf-8"))
    feed = feedparser.parse(str(out / "feed.xml"))
    assert [i["uid"] for i in items] == [e.id for e in feed.entries]  # same bulletins, newest first
    for item in items:
        assert set(item) == {"uid", "updateDate", "titleText", "mainText", "streamUrl", "redirectionUrl"}
        assert item["streamUrl"].startswith("https://") and item["streamUrl"].endswith(".alexa.mp3")
        datetime.strptime(item["updateDate"], "%Y-%m-%dT%H:%M:%S.0Z")
        status, _, body = fetch(local(item["streamUrl"], server))
        assert status == 200
        audio = out / item["streamUrl"][len(BASE) :]
        assert audio.read_bytes() == body
        info = MP3(str(audio)).info
        assert info.bitrate == pytest.approx(256000, rel=1e-3) and 10 <= info.length <= 600
        samples = decode(audio)
        assert lufs(samples) == pytest.approx(-14, abs=1) and true_peak_dbtp(samples) <= -2.0
    assert items[0]["updateDate"] == "2026-11-27T08:00:00.0Z"  # 09:00 in Amsterdam is 08:00 UTC


def test_no_alexa_feed_without_https(tmp_path, caplog):
    build(tmp_path, "2026-11-27T08:00")
    result = run("publish", "-o", str(tmp_path), "--base-url", "http://intranet.local/nieuws/")
    assert result.exit_code == 0 and "0 in the Alexa feed" in result.stdout
    assert "HTTPS" in result.stderr
    assert not (tmp_path / "flash-briefing.json").exists()


# --- bulletin serve ----------------------------------------------------------------------------


def test_every_url_in_the_feed_resolves_with_ranges(site, server):
    root = ElementTree.parse(site[0] / "feed.xml").getroot()
    urls = {e.get("url") or e.get("href") for e in root.iter() if (e.get("url") or e.get("href", "")).startswith(BASE)}
    urls |= {e.text for e in root.iter("link") if e.text and e.text.startswith(BASE)}
    assert len(urls) >= 1 + 3 * 5  # cover, feed, and per item: mp3, image, two transcripts, chapters
    for url in urls:
        status, headers, body = fetch(local(url, server))
        assert status == 200, url
        assert headers["Accept-Ranges"] == "bytes" and int(headers["Content-Length"]) == len(body)
        partial, part_headers, part = fetch(local(url, server), {"Range": "bytes=5-104"})
        assert partial == 206 and part == body[5:105]
        assert part_headers["Content-Range"] == f"bytes 5-104/{len(body)}"


@pytest.mark.parametrize(
    ("suffix", "content_type"),
    [
        (".mp3", "audio/mpeg"),
        (".vtt", "text/vtt"),
        (".srt", "application/x-subrip"),
        (".chapters.json", "application/json+chapters"),  # Podcast Index's own type
        (".jpg", "image/jpeg"),
    ],
)
def test_content_types(site, server, suffix, content_type):
    mp3 = site[1][0]
    path = mp3.with_name(mp3.name.replace(".mp3", suffix)).relative_to(site[0]).as_posix()
    _, headers, _ = fetch(server + path, method="HEAD")
    assert headers["Content-Type"].split(";")[0] == content_type
    _, feed_headers, _ = fetch(server + "feed.xml", method="HEAD")
    assert "xml" in feed_headers["Content-Type"]


def test_versioned_audio_is_served_as_immutable_and_the_rest_for_five_minutes(site, server):
    out, mp3s = site
    twin = served(mp3s[0]).relative_to(out).as_posix()
    _, headers, _ = fetch(server + twin, method="HEAD")
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    for name in ("feed.xml", "latest.mp3", mp3s[0].with_suffix(".vtt").relative_to(out).as_posix()):
        _, headers, _ = fetch(server + name, method="HEAD")
        assert headers["Cache-Control"] == "public, max-age=300", name


def test_latest_plays_the_newest_bulletin(site, server):
    out, mp3s = site
    newest = mp3s[1]  # built at 09:00, between the 07:00 and 08:00 ones
    status, headers, body = fetch(server + "latest.mp3")
    assert status == 200 and headers["Content-Type"] == "audio/mpeg" and body == newest.read_bytes()
    _, headers, playlist = fetch(server + "latest.m3u")
    assert headers["Content-Type"] == "audio/x-mpegurl"
    lines = playlist.decode().splitlines()
    assert lines[0] == "#EXTM3U" and local(lines[2], server) == server + served(newest).relative_to(out).as_posix()
    _, _, record = fetch(server + "latest.json")
    latest = json.loads(record)
    assert datetime.fromisoformat(latest["published"]).hour == 9
    assert latest["duration"] == pytest.approx(MP3(newest).info.length, abs=0.1)


def test_byte_ranges_and_head(site, server):
    mp3 = site[1][0]
    path = server + mp3.relative_to(site[0]).as_posix()
    data = mp3.read_bytes()
    status, headers, body = fetch(path, method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) == len(data)
    assert fetch(path, {"Range": "bytes=0-0"})[2] == data[:1]
    assert fetch(path, {"Range": "bytes=-100"})[2] == data[-100:]
    assert fetch(path, {"Range": f"bytes={len(data) - 10}-"})[2] == data[-10:]
    status, headers, _ = fetch(path, {"Range": f"bytes={len(data)}-"})
    assert status == 416 and headers["Content-Range"] == f"bytes */{len(data)}"
    status, headers, _ = fetch(path, {"If-None-Match": fetch(path, method="HEAD")[1]["ETag"]})
    assert status == 304


@pytest.mark.parametrize(
    "path", ["../secret.txt", "..%2F..%2Fetc%2Fpasswd", "%2e%2e/%2e%2e/etc/passwd", ".feed.xml.123.part", "nope.mp3"]
)
def test_nothing_outside_the_folder(site, server, path):
    (site[0].parent / "secret.txt").write_text("geheim")
    status, _, body = fetch(server + path)
    assert status == 404 and b"geheim" not in body


# --- a publish killed midway ---------------------------------------------------------------------------

KILLED_PUBLISH = """
import os, sys, threading
from pathlib import Path
import bulletin.storage.atomic as fsutil
from bulletin.cli import main
signal_file, folder, base = sys.argv[1:4]
real_replace = os.replace
def stalled_replace(src, dst):
    if str(dst).endswith("feed.xml"):
        Path(signal_file).write_text("stalled")  # tell the test, then hang until killed
        threading.Event().wait()
    real_replace(src, dst)
fsutil.os.replace = stalled_replace
sys.argv = ["bulletin", "publish", "-o", folder, "--base-url", base]
main()
"""


def test_killing_publish_midway_leaves_the_previous_feed(tmp_path):
    build(tmp_path, "2026-11-27T07:00")
    assert run("publish", "-o", str(tmp_path), "--base-url", BASE).exit_code == 0
    before = (tmp_path / "feed.xml").read_bytes()
    build(tmp_path, "2026-11-27T08:00")
    signal_file = tmp_path / "stalled"
    process = subprocess.Popen([sys.executable, "-c", KILLED_PUBLISH, str(signal_file), str(tmp_path), BASE])
    try:
        assert wait_until(signal_file.exists, "publish reaching the rename", process), "publish ended first"
        process.send_signal(signal.SIGKILL)
        process.wait()
    finally:
        if process.poll() is None:
            process.kill()
    assert (tmp_path / "feed.xml").read_bytes() == before
    assert not feedparser.parse(str(tmp_path / "feed.xml")).bozo
    assert len(feedparser.parse(str(tmp_path / "feed.xml")).entries) == 1
    assert run("publish", "-o", str(tmp_path), "--base-url", BASE).exit_code == 0  # and the next run recovers
    assert len(feedparser.parse(str(tmp_path / "feed.xml")).entries) == 2


# --- a real browser -----------------------------------------------------------------------------------------

PLAY_AND_SEEK = """
() => new Promise((resolve, reject) => {
  const audio = document.querySelector('audio');
  const seek = () => {
    const duration = audio.duration;
    audio.addEventListener('seeked', () => resolve({duration, position: audio.currentTime}), {once: true});
    audio.currentTime = duration / 2;
  };
  audio.addEventListener('error', () => reject('media error ' + (audio.error && audio.error.code)));
  if (audio.readyState >= 1) seek(); else audio.addEventListener('loadedmetadata', seek, {once: true});
})
"""


def test_headless_chromium_plays_and_seeks(site, server, browser):
    page = browser.new_page()
    page.goto(f"{server}index.html")
    page.wait_for_selector("audio")
    value = page.evaluate(PLAY_AND_SEEK)
    newest = site[1][1]  # the page lists the newest first: 09:00
    assert value["duration"] == pytest.approx(MP3(str(newest)).info.length, abs=0.1)
    assert value["position"] == pytest.approx(value["duration"] / 2, abs=0.5)


def test_a_versioned_file_deleted_by_hand_is_made_again_from_its_twin(tmp_path):
    mp3 = build(tmp_path, "2026-11-27T07:00")
    twin = served(mp3)
    twin.unlink()
    result = run("publish", "-o", str(tmp_path), "--base-url", BASE)
    assert result.exit_code == 0, result.stderr
    assert "made again from" in result.stderr and served(mp3).samefile(mp3)
    (entry,) = feedparser.parse(str(tmp_path / "feed.xml")).entries
    assert entry.enclosures[0].href == BASE + twin.relative_to(tmp_path).as_posix()


def test_a_bulletin_whose_audio_is_gone_is_left_out_with_a_warning(tmp_path):
    gone = build(tmp_path, "2026-11-27T07:00")
    kept = build(tmp_path, "2026-11-27T08:00")
    served(gone).unlink()
    gone.unlink()
    result = run("publish", "-o", str(tmp_path), "--base-url", BASE)
    assert result.exit_code == 0, result.stderr
    assert "which is not there: that bulletin is left out" in result.stderr
    (entry,) = feedparser.parse(str(tmp_path / "feed.xml")).entries
    assert entry.enclosures[0].href == BASE + served(kept).relative_to(tmp_path).as_posix()
