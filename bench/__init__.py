"""The benchmark suite (`make bench`; not part of `make test`).

For each data set size — S, M, L: 10k/100k/1M hotspots with 1k/5k/20k events,
made by `manage.py generate_data`, each in its own database, reused while the
code that built it is unchanged — it serves a copy with gunicorn and a Celery
worker, measures every workload of bench.workloads over HTTP, measures the
naive baselines in-process on the same rows, and prints one table (also written
to var/bench/). Modules:

  config      sizes and options (BENCH_* environment variables)
  datasets    building, marking, reusing and copying the data sets
  server      gunicorn and Celery for one data set; worker memory from /proc
  client      the HTTP load client (threads, persistent http.client connections)
  workloads   what is measured: one declarative list, issue 10's targets
  baselines   DRF-gis, folium, geopandas and Python-standings baselines
  run         one size, end to end (a subprocess per size)
  stats, report   percentiles; the table, CSV and Markdown
"""
