"""One module per command group: argument handling that calls the layers below."""
