"""The Streamlit dashboard (see dashboard/app.py)."""
