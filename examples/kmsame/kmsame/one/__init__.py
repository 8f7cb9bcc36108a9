"""kmsame.one subpackage."""
