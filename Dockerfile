# One image for every service; the container's command picks which one runs.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY shared shared
COPY services services
COPY beratungsnetz beratungsnetz
RUN pip install --no-cache-dir . && useradd --uid 10001 --no-create-home beratungsnetz
USER beratungsnetz
CMD ["python", "-m", "services.gateway"]
