"""Checks of the source tree: the add-on API boundary, its documentation, the one door for money."""
