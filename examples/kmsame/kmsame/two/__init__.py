"""kmsame.two subpackage."""
