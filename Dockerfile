# Steelman production image: slim Python, a non-root user, the database on a volume.
#   docker build -t steelman .
#   docker run -v steelman-data:/data -v $PWD/config.toml:/config/config.toml:ro \
#              -e STEELMAN_CONFIG=/config/config.toml -e DISCORD_TOKEN=... steelman
FROM python:3.11-slim

# STEELMAN_DATA_DIR puts the default SQLite file on the volume and, unlike STEELMAN__STORAGE__URL
# (which overrides every config file), lets a url in the config file win.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    STEELMAN_DATA_DIR=/data

RUN useradd --create-home --uid 10001 steelman && mkdir /data && chown steelman:steelman /data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY storage ./storage
RUN pip install '.[discord,slack,postgres,ops]'

USER steelman
VOLUME ["/data"]
CMD ["python", "-m", "bot", "run"]
