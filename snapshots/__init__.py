"""The shared contract of the pipeline's middle: what a snapshot on disk is, how it is written and read, and the
device profile built from it. Collectors write snapshots; analyzers, reports and the application read them."""
