"""The app's own widgets: category tree, article list, reading pane."""
