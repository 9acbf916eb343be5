"""Making bulletins: the pipeline, the unattended daily run, the output files and caches."""
