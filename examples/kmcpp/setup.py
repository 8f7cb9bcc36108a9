from setuptools import setup, Extension

setup(
    name="kmcpp",
    version="1.0",
    packages=["kmcpp"],
    ext_modules=[
        Extension(
            "kmcpp._cpp",
            sources=["src/_cpp.cpp", "src/helpers.cpp"],
            include_dirs=["src"],
            language="c++",
            extra_compile_args=["-std=c++17"],
        ),
    ],
)
