"""Charts for the assessment, drawn twice from one `Chart` spec: as PNG for the messengers (`png`, pure
Python: the standard library's zlib is the only thing it needs) and as SVG inside the HTML report (`svg`,
with the group's language in every label). See `chalicelib.jobs.charts.spec`."""
