"""Cherry Studio 1.x: the app model, and plan / apply into a format-5 backup zip."""
