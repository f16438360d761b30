"""Placeholder: being built."""

import streamlit as st

st.title("evaluate")
st.info("Coming soon.")
