"""The server's own machinery, with no Streamlit page in it.

Everything here runs behind the pages: the pool of training processes (``scheduler``,
``processes``, ``job``, ``worker``, ``worker_job``), the data sets every process maps from one file
(``shared_data``), how busy the machine is (``cpu``), memory handed back to the system
(``heap``), closed tabs released on time (``sessions``) and what one visitor may ask of
the server (``limits``).

Imports go one way: ``nn_core`` <- ``server`` <- ``ui``. Nothing here imports ``ui``,
and nothing here calls Streamlit's public API (``st.get_option``, ``st.cache_resource``):
where the server needs a value from Streamlit, the ui side passes it in. The training
workers import this package in processes of their own, which never load Streamlit at
all. The one module that reaches into Streamlit's internals is ``streamlit_internals``,
pinned to the versions it is tested on.
"""
