"""The Streamlit side of the app: state, cached data, figures and widgets. Pages stay thin."""
