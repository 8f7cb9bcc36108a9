"""kmns.pure: kmpure's portion of the namespace package kmns (PEP 420)."""
PORTION = "kmpure"
