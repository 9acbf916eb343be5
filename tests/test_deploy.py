"""The container image and the deployment examples (deploy/): many stations, each run stateless.

Nothing here runs Docker, Kubernetes or systemd; the files are read as those tools read them
(PyYAML, configparser, the Dockerfile's instructions) and checked against each other, against
pyproject.toml and against bulletin's own configuration loader."""

from __future__ import annotations

import configparser
import fnmatch
import json
import re
import shlex
import tomllib
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
KUBERNETES = DEPLOY / "kubernetes"
STATIONS = DEPLOY / "stations"
SYSTEMD = DEPLOY / "systemd"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
PYPROJECT = ROOT / "pyproject.toml"

EXAMPLE_STATION = "noord"  # the station station-noord.yaml shows in full
OTHER_STATION = "zuid"
LEASE_HELD = 75  # `bulletin daily`: another run holds the lock or the lease
BUCKET_FAILED = 6
CONFIG_KEY = "bulletin.toml"  # the ConfigMap's key, mounted as the file --config names
UNIT_CONFIG = "/etc/bulletin/%i.toml"
TMP = "/tmp"
IMAGE_WRITES = ("HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME")  # where a run of the image writes
MUST_IGNORE = (".git", ".venv", "output")
S3_EXTRA = "s3"  # every station publishes to a bucket, so the default image has it
# `kubectl create configmap NAME --from-file=KEY=FILE`, as station-noord.yaml says to make its ConfigMap
CREATE_CONFIGMAP = re.compile(r"kubectl create configmap (?P<name>\S+) --from-file=(?P<key>[^=\s]+)=(?P<file>\S+)")


# --- reading the files as their tools do ----------------------------------------------------


def manifests() -> list[tuple[Path, dict[str, Any]]]:
    found = [
        (path, document)
        for path in sorted(KUBERNETES.glob("*.y*ml"))
        for document in yaml.safe_load_all(path.read_text("utf-8"))
        if document
    ]
    assert found, f"no manifests in {KUBERNETES}"
    return found


def cronjobs() -> list[tuple[Path, dict[str, Any]]]:
    found = [(path, doc) for path, doc in manifests() if doc["kind"] == "CronJob"]
    assert found, "no CronJob under deploy/kubernetes"
    return found


def job_spec(cronjob: dict[str, Any]) -> dict[str, Any]:
    return cronjob["spec"]["jobTemplate"]["spec"]


def pod_spec(cronjob: dict[str, Any]) -> dict[str, Any]:
    return job_spec(cronjob)["template"]["spec"]


def the_container(cronjob: dict[str, Any]) -> dict[str, Any]:
    (container,) = pod_spec(cronjob)["containers"]
    return container


def config_argument(argv: list[str]) -> str:
    assert argv[:1] == ["daily"], f"not one unattended run: {argv}"
    return argv[argv.index("--config") + 1]


def walk(value: Any) -> list[tuple[str, Any]]:
    """Every (key, value) pair in nested mappings and lists."""
    if isinstance(value, dict):
        return [pair for key, inner in value.items() for pair in [(key, inner), *walk(inner)]]
    if isinstance(value, list):
        return [pair for inner in value for pair in walk(inner)]
    return []


def exit_code_action(job: dict[str, Any], container: str, exit_code: int) -> str | None:
    """What the Job does when ``container`` exits with ``exit_code``: the first matching rule's action
    (Kubernetes reads the rules in order), or None: counted against backoffLimit."""
    for rule in job.get("podFailurePolicy", {}).get("rules", []):
        codes = rule.get("onExitCodes")
        if codes is None or codes.get("containerName", container) != container:
            continue
        if (exit_code in codes["values"]) == (codes["operator"] == "In"):
            return str(rule["action"])
    return None


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    lines = [line for line in DOCKERFILE.read_text("utf-8").splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    split = (line.strip().partition(" ") for line in joined.splitlines() if line.strip())
    return [(word.upper(), rest.strip()) for word, _, rest in split]


def dockerfile_stages() -> list[list[tuple[str, str]]]:
    stages: list[list[tuple[str, str]]] = []
    for instruction in dockerfile_instructions():
        if instruction[0] == "FROM":
            stages.append([])
        if stages:
            stages[-1].append(instruction)
    return stages


def env_of(stage: list[tuple[str, str]]) -> dict[str, str]:
    env: dict[str, str] = {}
    for name, arguments in stage:
        if name == "ENV":
            env.update(pair.split("=", 1) for pair in shlex.split(arguments))
    return env


def exec_form(name: str) -> list[str]:
    (value,) = [json.loads(arguments) for instruction, arguments in dockerfile_instructions() if instruction == name]
    return value


def arg_default(name: str) -> str:
    (value,) = [
        arguments.partition("=")[2].strip('"')
        for instruction, arguments in dockerfile_instructions()
        if instruction == "ARG" and arguments.partition("=")[0] == name
    ]
    return value


def unit(name: str) -> configparser.ConfigParser:
    # strict=False: systemd allows a key twice; no interpolation: %i and %S are systemd's specifiers
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # keys are case-sensitive in systemd
    assert parser.read(SYSTEMD / name, encoding="utf-8"), f"no {name}"
    return parser


def pyproject() -> dict[str, Any]:
    return tomllib.loads(PYPROJECT.read_text("utf-8"))


def station_files() -> list[Path]:
    found = sorted(STATIONS.glob("*.toml"))
    assert found, f"no station configurations in {STATIONS}"
    return found


# --- Kubernetes -------------------------------------------------------------------------------


def test_no_station_keeps_a_persistent_volume():
    for path, document in manifests():
        assert document["kind"] != "PersistentVolumeClaim", path
        keys = {key for key, _ in walk(document)}
        assert not keys & {"persistentVolumeClaim", "volumeClaimTemplates", "hostPath"}, path


def test_a_station_runs_unattended_never_twice_at_once():
    for path, cronjob in cronjobs():
        spec, job, pod = cronjob["spec"], job_spec(cronjob), pod_spec(cronjob)
        assert spec["concurrencyPolicy"] == "Forbid", path
        assert spec["startingDeadlineSeconds"] > 0, path
        assert job["backoffLimit"] >= 0, path
        assert job["ttlSecondsAfterFinished"] > 0, path
        assert pod["restartPolicy"] == "Never", path  # podFailurePolicy requires it
        resources = the_container(cronjob)["resources"]
        for bound in ("requests", "limits"):
            assert {"cpu", "memory"} <= set(resources[bound]), f"{path}: {bound}"


def test_exit_75_is_a_skipped_run_not_a_failure():
    for path, cronjob in cronjobs():
        job, container = job_spec(cronjob), the_container(cronjob)["name"]
        assert exit_code_action(job, container, LEASE_HELD) == "Ignore", path
        assert exit_code_action(job, container, BUCKET_FAILED) is None, f"{path}: a failed upload is retried"
        for rule in job["podFailurePolicy"]["rules"]:
            assert ("onExitCodes" in rule) != ("onPodConditions" in rule), (
                f"{path}: a rule matches exit codes or pod conditions"
            )
            if "onExitCodes" in rule:  # what the API server accepts: sorted, unique, no 0 with In
                values = rule["onExitCodes"]["values"]
                assert values == sorted(set(values)), path
                assert rule["onExitCodes"]["operator"] != "In" or 0 not in values, path


def test_the_config_map_is_mounted_where_config_points():
    for path, cronjob in cronjobs():
        container, pod = the_container(cronjob), pod_spec(cronjob)
        config = PurePosixPath(config_argument(container["args"]))
        (mount,) = [m for m in container["volumeMounts"] if PurePosixPath(m["mountPath"]) == config.parent]
        assert mount.get("readOnly"), path
        (volume,) = [v for v in pod["volumes"] if v["name"] == mount["name"]]
        items = {item["path"]: item["key"] for item in volume["configMap"].get("items", [])}
        assert items.get(config.name, config.name) == CONFIG_KEY, path
        station = cronjob["metadata"]["labels"]["bulletin.example.org/station"]
        assert volume["configMap"]["name"] == f"bulletin-{station}", path
        # The ConfigMap is made from the station's file, never a copy of it: the command the manifest gives
        commands = [m.groupdict() for m in CREATE_CONFIGMAP.finditer(path.read_text("utf-8"))]
        expected = {"name": f"bulletin-{station}", "key": CONFIG_KEY, "file": f"deploy/stations/{station}.toml"}
        assert expected in commands, f"{path}: {commands}"
        assert (ROOT / expected["file"]).is_file()


def test_credentials_come_from_a_secret_only():
    for path, cronjob in cronjobs():
        container = the_container(cronjob)
        assert any("secretRef" in source for source in container["envFrom"]), path
        literal = [e["name"] for e in container.get("env", []) if e["name"].startswith("AWS_") and "value" in e]
        assert not literal, f"{path}: credentials written into the manifest: {literal}"


def test_a_read_only_image_writes_only_to_scratch_volumes():
    env = env_of(dockerfile_stages()[-1])
    for path, cronjob in cronjobs():
        container, pod = the_container(cronjob), pod_spec(cronjob)
        assert container["securityContext"]["readOnlyRootFilesystem"], path
        scratch = {v["name"] for v in pod["volumes"] if "emptyDir" in v}
        writable = [PurePosixPath(m["mountPath"]) for m in container["volumeMounts"] if m["name"] in scratch]
        for folder in [*(env[name] for name in IMAGE_WRITES), TMP]:
            assert any(PurePosixPath(folder).is_relative_to(m) for m in writable), f"{path}: {folder} is read-only"


def test_stamping_out_another_station_leaves_nothing_of_the_first():
    """station-noord.yaml says: N stations are this file with "noord" replaced by each station's name."""
    assert (STATIONS / f"{OTHER_STATION}.toml").is_file()
    example = KUBERNETES / f"station-{EXAMPLE_STATION}.yaml"
    stamped = list(yaml.safe_load_all(example.read_text("utf-8").replace(EXAMPLE_STATION, OTHER_STATION)))
    (cronjob,) = [doc for doc in stamped if doc and doc["kind"] == "CronJob"]
    assert cronjob["metadata"]["name"] == f"bulletin-{OTHER_STATION}"
    left = [value for _, value in walk(cronjob) if isinstance(value, str) and EXAMPLE_STATION in value.lower()]
    assert not left, f"{example}: not made from the station's name: {left}"


# --- the image --------------------------------------------------------------------------------


def test_the_default_extras_exist():
    extras = [name.strip() for name in arg_default("EXTRAS").split(",")]
    assert S3_EXTRA in extras
    assert set(extras) <= set(pyproject()["project"]["optional-dependencies"])


def test_the_image_runs_the_command_kubernetes_runs():
    (program,) = exec_form("ENTRYPOINT")
    assert program in pyproject()["project"]["scripts"]
    for path, cronjob in cronjobs():
        assert exec_form("CMD") == the_container(cronjob)["args"], path
    users = [arguments for name, arguments in dockerfile_stages()[-1] if name == "USER"]
    assert users and users[-1].partition(":")[0] not in ("root", "0")


def test_voices_baked_in_are_found_at_run_time():
    build, run = dockerfile_stages()[0], dockerfile_stages()[-1]
    assert env_of(build)["XDG_DATA_HOME"] == env_of(run)["XDG_DATA_HOME"]
    copied = [arguments for name, arguments in run if name == "COPY" and arguments.startswith("--from=")]
    voices = PurePosixPath(env_of(run)["XDG_DATA_HOME"])
    assert any(voices.is_relative_to(arguments.split()[-1]) for arguments in copied)


def test_the_build_context_has_what_the_wheel_is_built_from():
    project = pyproject()
    needed = [
        project["project"]["readme"],
        *project["project"]["license-files"],
        *project["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"],
        *project["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"],
    ]
    sources = [
        source
        for name, arguments in dockerfile_instructions()
        if name == "COPY" and not arguments.startswith("--from=")
        for source in arguments.split()[:-1]
    ]
    ignored = [line for line in DOCKERIGNORE.read_text("utf-8").splitlines() if line and not line.startswith("#")]
    for path in needed:
        assert any(PurePosixPath(path).is_relative_to(source) for source in sources), f"{path} is not copied"
        within = [str(p) for p in [PurePosixPath(path), *PurePosixPath(path).parents]]
        assert not any(fnmatch.fnmatch(p, pattern) for p in within for pattern in ignored), f"{path} is ignored"
        assert (ROOT / path).exists()
    assert set(MUST_IGNORE) <= set(ignored)


def test_no_credentials_in_the_image():
    for name, arguments in dockerfile_instructions():
        if name in ("ENV", "ARG"):
            assert "AWS_" not in arguments, f"{name} {arguments}"


# --- systemd ----------------------------------------------------------------------------------


def test_the_service_is_one_unattended_run_of_the_instance():
    service = unit("bulletin@.service")["Service"]
    assert service["Type"] == "oneshot"
    argv = shlex.split(service["ExecStart"])
    assert PurePosixPath(argv[0]).name == "bulletin"
    assert config_argument(argv[1:]) == UNIT_CONFIG
    assert str(LEASE_HELD) in service["SuccessExitStatus"].split()
    assert service["EnvironmentFile"]
    assert service["ProtectSystem"] == "strict"
    assert service.get("DynamicUser") == "yes" or service.get("User")


def test_the_service_writes_where_systemd_lets_it():
    """With ProtectSystem=strict only the unit's own folders can be written: the output folder is under
    the working folder (its StateDirectory), and bulletin's cache folder under $XDG_CACHE_HOME is its
    CacheDirectory."""
    from bulletin.core.paths import APP_NAME

    service = unit("bulletin@.service")["Service"]
    assert service["WorkingDirectory"] == f"%S/{service['StateDirectory']}"
    env = dict(pair.split("=", 1) for pair in shlex.split(service["Environment"]))
    assert f"{env['XDG_CACHE_HOME']}/{APP_NAME}" == f"%C/{service['CacheDirectory']}"
    assert env["XDG_DATA_HOME"] == env_of(dockerfile_stages()[-1])["XDG_DATA_HOME"]


def test_the_timer_runs_every_hour_and_catches_up():
    timer = unit("bulletin@.timer")
    assert timer["Timer"]["OnCalendar"] == "hourly"
    assert timer["Timer"]["Persistent"] == "true"
    assert timer["Timer"]["RandomizedDelaySec"]
    assert timer["Install"]["WantedBy"] == "timers.target"


# --- the stations -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", station_files(), ids=lambda p: p.stem)
def test_a_station_file_is_a_valid_configuration(path):
    from bulletin.config import load_config

    config = load_config(path)
    assert config.settings.publish.target.startswith("s3://")
    assert config.sources


def test_every_station_publishes_under_its_own_prefix():
    """Two stations with one target would overwrite each other's feed."""
    from bulletin.config import load_config

    publish = [load_config(path).settings.publish for path in station_files()]
    assert len({p.target for p in publish}) == len({p.base_url for p in publish}) == len(publish)
