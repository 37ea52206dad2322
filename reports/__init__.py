"""Review reports: the result model (model.py), rendering (render.py, chart.py) and the templates (templates/)."""
