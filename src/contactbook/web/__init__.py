"""Web: the HTTP edge. The only package that imports the web framework."""
