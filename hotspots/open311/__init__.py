"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) over the hotspots.

Other tools (the Hue-S app, the IOC, city 311 dashboards) read public hotspots as
"service requests" and file new reports through the standard's form-encoded POST.
Every endpoint comes as ``.json`` and ``.xml``; the URL suffix picks the format,
whatever the Accept header says. ``parsing`` checks parameters and bodies,
``selectors`` reads, ``hotspots.services.hotspot_report`` writes and
``rendering`` writes the JSON or XML; ``views`` only joins them up. Nothing here
decides business rules.

Where the standard is loose we chose: newest requests first; ``page``/``page_size``
paging (default 50, at most 200) with a ``Link: rel="next"`` header; no default
90-day window (paging bounds the answer); errors always as a list of
``{code, description}`` with the HTTP status equal to the code.
"""
