"""The application: the assess pipeline, sweeps, the demo and every command-line entry point. It is the only
layer that knows all the others."""
