"""What the tests and the benchmarks share: how to open the app and what to feed it.

``apptest`` opens a page in Streamlit's AppTest and reads its figures; ``samples`` and
``redrawn`` are the data (the bundled sample, digits redrawn like drawings); ``runs``
makes a training run without training; ``classroom`` a throwaway PostgreSQL for the
class board; ``app_server`` and ``ports`` a real ``streamlit run app.py``; ``browser``
Chromium's arguments and the waits of the browser tests; ``protocol`` a browser tab's
worth of Streamlit's websocket protocol, without a browser.
"""
