"""The app's screens: the main three-pane screen, help, outline and search."""
