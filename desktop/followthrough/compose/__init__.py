"""Hand a drafted message to the outside world: mailto links, and later .eml files and SMTP."""
