# Steelman production image: slim Python, a non-root user, the database on a volume.
#   docker build -t steelman .
#   docker run -v steelman-data:/data -v $PWD/config.toml:/config/config.toml:ro \
#              -e STEELMAN_CONFIG=/config/config.toml -e DISCORD_TOKEN=... steelman
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    STEELMAN__STORAGE__URL=sqlite:////data/steelman.db

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
