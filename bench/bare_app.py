"""A bare Streamlit page: the floor a fresh tab of any Streamlit app pays, measured beside ours."""

import streamlit as st

st.title("Bare page")
st.write("Nothing else.")
