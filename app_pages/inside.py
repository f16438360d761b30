"""Placeholder: being built."""

import streamlit as st

st.title("inside")
st.info("Coming soon.")
