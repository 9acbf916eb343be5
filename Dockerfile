# bulletin for stateless, scheduled runs: one container run is one `bulletin daily` of one station.
#
#   docker build -t bulletin .                                     # espeak + S3 (the default extras)
#   docker build -t bulletin:piper --build-arg EXTRAS=s3,piper \
#                --build-arg PIPER_VOICES=nl_NL-mls-medium .       # with a Piper voice baked in
#   docker run --rm --env-file s3.env \
#              -v "$PWD/deploy/stations/noord.toml:/etc/bulletin/bulletin.toml:ro" bulletin:piper
#
# Nothing secret is built in: credentials come at run time from the AWS chain (AWS_* variables).
# Every dependency is a wheel for linux/amd64 and arm64, or pure Python: the slim image needs no compiler.

ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS build
# Extras from pyproject.toml's [project.optional-dependencies], comma-separated (empty: none).
ARG EXTRAS=s3
# Piper voices to install, space-separated (needs the piper extra), e.g. "nl_NL-mls-medium".
ARG PIPER_VOICES=""
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    XDG_DATA_HOME=/opt/bulletin/data
RUN python -m venv /opt/bulletin/venv
# What the wheel is built from: pyproject.toml names the readme and licence; voices/ is force-included.
COPY pyproject.toml README.md LICENSE /src/
COPY src /src/src
COPY voices /src/voices
RUN /opt/bulletin/venv/bin/pip install "/src${EXTRAS:+[$EXTRAS]}"
# Each voice is checked against the catalogue and loaded once by onnxruntime before it is installed.
RUN for voice in $PIPER_VOICES; do /opt/bulletin/venv/bin/bulletin voices download "$voice" || exit 1; done

FROM ${PYTHON_IMAGE}
# The image's files are root's and read-only at run time; a run writes only under its HOME (output
# folder and local cache; in Kubernetes an emptyDir) and /tmp. XDG_DATA_HOME is where the baked Piper
# voices are, so they are found whoever runs the image.
ENV PATH=/opt/bulletin/venv/bin:$PATH \
    HOME=/var/lib/bulletin \
    XDG_DATA_HOME=/opt/bulletin/data \
    XDG_CACHE_HOME=/var/lib/bulletin/cache \
    XDG_CONFIG_HOME=/var/lib/bulletin/config \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
RUN useradd --system --no-log-init --uid 10001 --user-group --create-home --home-dir /var/lib/bulletin bulletin
COPY --from=build /opt/bulletin /opt/bulletin
USER 10001:10001
# The default output folder ("output") is relative to this working folder.
WORKDIR /var/lib/bulletin
ENTRYPOINT ["bulletin"]
CMD ["daily", "--config", "/etc/bulletin/bulletin.toml"]
