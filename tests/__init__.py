"""asicmon's tests: ``tests/<stage>/test_<module>.py`` mirrors ``monitor/<stage>/<module>.py``."""
