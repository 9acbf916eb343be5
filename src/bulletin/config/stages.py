"""What each stage is given, made from the typed settings: stages never read the
configuration themselves."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bulletin.audio import AudioSettings, Gaps
from bulletin.audio.profiles import PROFILES, Profile
from bulletin.audio.sounders import SounderSet, load_sounders
from bulletin.casting.cast import VoiceChoice
from bulletin.config.loader import COMMAND_LINE, Config
from bulletin.config.schema import duration_seconds
from bulletin.core.errors import ConfigError
from bulletin.core.paths import builtin_voices_dir
from bulletin.core.pcm import MS_PER_S
from bulletin.core.tomlfile import key_location
from bulletin.formats import FORMATS
from bulletin.formats.base import Encoder, Format
from bulletin.publish import CHANNEL_COVER
from bulletin.script import ScriptSettings
from bulletin.sources import SourceSpec
from bulletin.sources.age import MaxAge
from bulletin.sources.boilerplate import Boilerplate, load_boilerplate
from bulletin.sources.fetch import FetchSettings
from bulletin.storage.blobstore import Shared
from bulletin.storage.bucket import S3Target, is_s3, parse_target
from bulletin.storage.cachedir import HTTP, default_root
from bulletin.storage.shared import shared_tier
from bulletin.tts import ENGINES

if TYPE_CHECKING:  # the feed's module loads when a feed is written, not for every build
    from bulletin.publish.feed import Show

BYTES_PER_MB = 1_000_000


def timezone(config: Config) -> ZoneInfo:
    """The show's time zone (checked when the configuration was loaded)."""
    return ZoneInfo(config.settings.show.timezone)


def script_settings(config: Config) -> ScriptSettings:
    """Settings for the script stage."""
    show, script = config.settings.show, config.settings.script
    return ScriptSettings(
        show=show.title, intro=script.intro, outro=script.outro, gap_seconds=config.settings.audio.gap_ms / MS_PER_S
    )


def voice_choice(config: Config) -> VoiceChoice:
    """What casting needs: ``[voice]``, where profiles are, and each engine's own section."""
    voice = config.settings.voice
    fallback = (voice.fallback,) if isinstance(voice.fallback, str) else tuple(voice.fallback)
    sections = {
        name: config.settings.registered[name] for name in ENGINES.names() if name in config.settings.registered
    }
    return VoiceChoice(
        lexicon=Path(voice.lexicon) if voice.lexicon else None,
        anchor=voice.anchor,
        newsreader=voice.newsreader,
        engine=voice.engine,
        fallback=fallback,
        dirs=tuple(voice_dirs(config)),
        sections=sections,
        config_file=config.path,
    )


def engine_section(config: Config, engine: str) -> Any:
    """An engine's own section (``[gtts]``), or None for an engine without one."""
    return config.settings.registered.get(engine)


def cache_dir(config: Config) -> Path | None:
    """The cache folder (segments, parts, fetched sources); ``None`` when caching is off."""
    return cache_location(config) if config.settings.cache.enabled else None


def cache_location(config: Config) -> Path:
    """Where the cache folder is (or would be), whether caching is on or not."""
    configured = config.settings.cache.dir
    return Path(configured) if configured else default_root()


def shared_cache(config: Config, kind: str) -> Shared | None:
    """The shared tier of one kind of cache entry (``segments``) under ``[cache] location``, if set
    (and caching is on)."""
    cache = config.settings.cache
    if not (cache.enabled and cache.location):
        return None
    location = cache.location.rstrip("/") + "/" + kind + ("/" if is_s3(cache.location) else "")
    return shared_tier(location, config.settings.publish.aws_profile or None)


def lease_seconds(config: Config) -> float:
    """How long a station's lease lasts without renewal ([publish] lease)."""
    return duration_seconds(config.settings.publish.lease)


def main_format(config: Config) -> Format:
    """The format bulletins are written in (``[audio] format``)."""
    return FORMATS.get(config.settings.audio.format)


def main_profile(config: Config) -> Profile:
    """The loudness profile bulletins are mastered to (``[audio] profile``)."""
    return PROFILES.get(config.settings.audio.profile)


def encoder(config: Config, profile: Profile, format_name: str) -> Encoder:
    """The encoder of one rendition: ``profile`` written as ``format_name``, with its section's settings."""
    audio_format = FORMATS.get(format_name)
    rate = audio_rate(config)
    if rate not in audio_format.rates:  # the Alexa MP3 of a bulletin written at another format's rate
        raise ConfigError(
            f"{audio_format.name} cannot hold audio at {rate} Hz, the rate of the bulletin's "
            f"{main_format(config).name}; it takes {', '.join(map(str, audio_format.rates))} Hz."
        )
    return audio_format.encoder(config.settings.section(format_name), profile.min_kbps)


def audio_rate(config: Config) -> int:
    """The bulletin's sample rate: its format's (``[mp3] sample_rate``, ``[wav] sample_rate``)."""
    rate: int = config.settings.section(main_format(config).name).sample_rate
    return rate


def audio_settings(config: Config) -> AudioSettings:
    """Settings for the audio stage."""
    audio = config.settings.audio
    return AudioSettings(
        sample_rate=audio_rate(config),
        gaps=Gaps(
            between_ms=audio.gap_ms, after_intro_ms=audio.gap_after_intro_ms, before_outro_ms=audio.gap_before_outro_ms
        ),
        sounder_level_lu=config.settings.sounders.level,
    )


def sounders(config: Config) -> SounderSet:
    """The sounders to play (the built-in ones unless files are configured), or none."""
    own, rate = config.settings.sounders, audio_rate(config)
    if not own.enabled:
        return SounderSet.silent(rate)
    return load_sounders(rate, own.intro, own.between, own.outro, own.bed, own.bed_file)


def voice_dirs(config: Config) -> list[Path]:
    """Folders searched for voice profiles: the user's first, then bulletin's own, then those
    engines bring along."""
    extra = config.settings.voice.voices_dir
    if extra and not Path(extra).is_dir():  # a mistyped folder would silently leave its voices out
        where = key_location(config.path, "voice", "voices_dir") if config.path else None
        raise ConfigError(
            f"{where or COMMAND_LINE}: [voice] voices_dir {extra} is not a folder; make it, or fix the path."
        )
    brought = [engine.voices_dir for engine in ENGINES if engine.voices_dir is not None]
    return [*([Path(extra)] if extra else []), builtin_voices_dir(), *brought]


def show(config: Config) -> Show:
    """The feed's channel settings."""
    from bulletin.publish.feed import Show

    own, publishing = config.settings.show, config.settings.publish
    return Show(
        title=own.title,
        description=own.description,
        author=own.author,
        language=own.language,
        link=own.link,
        base_url=publishing.base_url,
        category=own.category,
        subcategory=own.subcategory,
        explicit=own.explicit,
        owner_name=own.owner_name,
        owner_email=own.owner_email,
        locked=publishing.locked,
        cover=CHANNEL_COVER,
        guid=own.guid.lower(),  # as feeds write a UUID
        new_feed_url=publishing.new_feed_url,
    )


def publish_target(config: Config) -> S3Target | None:
    """Where publishing copies the folder: a bucket and prefix, or ``None`` for the folder only."""
    publishing = config.settings.publish
    return parse_target(publishing.target, publishing.aws_profile) if publishing.target else None


def channel_cover(config: Config) -> bytes:
    """The show's cover: the user's own, or one drawn with the show's name."""
    from bulletin.media.cover import load_cover, make_cover

    own = config.settings.show
    return load_cover(Path(own.cover)) if own.cover else make_cover(own.title, "")


def fetch_settings(config: Config) -> FetchSettings:
    """How sources are fetched."""
    fetch = config.settings.fetch
    root = cache_dir(config)
    return FetchSettings(
        timeout=fetch.timeout,
        connect_timeout=fetch.connect_timeout,
        tries=fetch.tries,
        backoff=fetch.backoff,
        max_bytes=int(fetch.max_mb * BYTES_PER_MB),
        deadline=fetch.deadline,
        cache_dir=root / HTTP if root else None,
    )


def boilerplate(config: Config, spec: SourceSpec) -> Boilerplate:
    """The rules that drop web boilerplate from ``spec``'s text: the shipped word
    lists, the user's ([boilerplate] words), then the source's own ``drop`` patterns."""
    words = config.settings.boilerplate.words
    return load_boilerplate(Path(words) if words else None).with_drop(spec.drop)


def max_age(config: Config, spec: SourceSpec) -> MaxAge:
    """How old ``spec``'s items may be: the source's own max_age, else [news] max_age."""
    written = spec.max_age or config.settings.news.max_age
    seconds = duration_seconds(written)
    return MaxAge(timedelta(seconds=seconds) if seconds else None, written.strip())


def input_max_bytes(config: Config) -> int:
    """The largest file accepted as a page or a source ([input] max_mb)."""
    return int(config.settings.input.max_mb * BYTES_PER_MB)
