"""Placeholder: being built."""

import streamlit as st

st.title("classroom")
st.info("Coming soon.")
