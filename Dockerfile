# Caravan Atlas dashboard, ready to host.
#   docker build -t caravan-atlas . && docker run -p 8501:8501 caravan-atlas
# Store: CARAVAN_ATLAS_STORE (e.g. postgresql+psycopg://user:pw@db/atlas); default a SQLite
# file in the container built from seeds/ on first start. Editing: CARAVAN_ATLAS_EDIT_PASSWORD.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    CARAVAN_ATLAS_CACHE=/app/.cache XDG_DATA_HOME=/app/data
WORKDIR /app
COPY . /app
RUN pip install . && caravan-atlas build-index && useradd --create-home atlas \
    && mkdir -p /app/data && chown -R atlas /app
USER atlas
EXPOSE 8501

# Streamlit's own liveness endpoint; python instead of curl, which the slim image lacks.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).read() == b'ok' else 1)"]

CMD ["streamlit", "run", "dashboard/app.py", "--server.port", "8501", "--server.address", "0.0.0.0", "--server.headless", "true"]
