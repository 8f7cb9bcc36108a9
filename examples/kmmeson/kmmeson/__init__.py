"""kmmeson: an extension module built by meson-python."""
